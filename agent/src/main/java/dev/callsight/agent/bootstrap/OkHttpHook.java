package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined into OkHttp (3.12 and later, 4.x). The bootstrap loader cannot see
 * OkHttp, so builders, chains and responses pass as Object; the implementation, loaded where
 * the application's OkHttp is visible, knows their types.
 */
public interface OkHttpHook {

    OkHttpHook NONE = new OkHttpHook() {
        @Override
        public void clientBuilding(Object builder) {}

        @Override
        public Object attemptStarting(Object chain) {
            return null;
        }

        @Override
        public Object responseBody(Object response, Object body) {
            return body;
        }

        @Override
        public Object attemptEnded(Object attempt, Object response, Throwable thrown) {
            return response;
        }
    };

    /** On entry to the OkHttpClient(Builder) constructor: adds the agent's interceptors to the builder. */
    void clientBuilding(Object builder);

    /**
     * On entry to OkHttp's ConnectInterceptor, where every physical attempt starts, including
     * the ones OkHttp's own retry and redirect logic makes. Returns the attempt to pass to
     * {@link #attemptEnded}, or null when it is not traced.
     */
    Object attemptStarting(Object chain);

    /**
     * On exit from OkHttp's Exchange.openResponseBody (3.14 and later), where an attempt's response gets its body:
     * returns the body to give it instead, one that ends the attempt when it ends, so that the response need not be
     * rebuilt around such a body on its way up.
     */
    Object responseBody(Object response, Object body);

    /** On exit from ConnectInterceptor; returns the response to hand up the chain instead. */
    Object attemptEnded(Object attempt, Object response, Throwable thrown);
}
