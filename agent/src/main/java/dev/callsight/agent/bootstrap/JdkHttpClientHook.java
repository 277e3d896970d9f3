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
        public void exitSend(Object call, Object response, Throwable thrown) {}

        @Override
        public void exitSendAsync(Object call, Object future, Throwable thrown) {}
    };

    /** Returns the call to pass to the other methods; null when nested or not traced. */
    Object enter(Object request);

    /** The request to send instead of the application's: a copy carrying the context headers. */
    Object requestToSend(Object call, Object request);

    void exitSend(Object call, Object response, Throwable thrown);

    void exitSendAsync(Object call, Object future, Throwable thrown);
}
