package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined into java.net.http.HttpClient implementations. The bootstrap loader
 * cannot see the java.net.http module, so requests, responses and futures pass as Object; the
 * implementation, loaded where java.net.http is visible, knows their types.
 */
public interface JdkHttpClientHook {

    JdkHttpClientHook NONE = new JdkHttpClientHook() {
        @Override
        public Object enter(Object request) {
            return null;
        }

        @Override
        public Object requestToSend(Object call, Object request) {
            return request;
        }

        @Override
        public void exit(Object call, boolean async, Object returned, Throwable thrown) {}
    };

    /** Returns the call to pass to the other methods; null when nested or not traced. */
    Object enter(Object request);

    /** The request to send instead of the application's: a copy carrying the context headers. */
    Object requestToSend(Object call, Object request);

    /**
     * @param async true for sendAsync, whose call ends when the returned future completes
     * @param returned the response of send or the future of sendAsync; null when it threw
     */
    void exit(Object call, boolean async, Object returned, Throwable thrown);
}
