package dev.callsight.agent.bootstrap;

import java.time.Duration;

/**
 * Called by advice inlined into java.net.http.HttpClient implementations. The bootstrap loader
 * cannot see the java.net.http module, so clients, requests, responses and futures pass as
 * Object; the implementation, loaded where java.net.http is visible, knows their types.
 */
public interface JdkHttpClientHook {

    JdkHttpClientHook NONE = new JdkHttpClientHook() {
        @Override
        public Duration connectTimeout(Duration applicationValue) {
            return applicationValue;
        }

        @Override
        public Object enter(Object client, Object request, Object bodyHandler) {
            return null;
        }

        @Override
        public Object requestToSend(Object call, Object request) {
            return request;
        }

        @Override
        public Object bodyHandlerToUse(Object call, Object bodyHandler) {
            return bodyHandler;
        }

        @Override
        public boolean exit(Object call, boolean async, Object returned, Throwable thrown) {
            return false;
        }

        @Override
        public void exchangeAttempt(Object userRequest, int attemptsBefore, Object request, Throwable retryCause,
                Object previousResponse) {}

        @Override
        public Object returned(Object call, boolean async, Object returned) {
            return returned;
        }

        @Override
        public Throwable thrown(Object call, Throwable thrown) {
            return thrown;
        }
    };

    /** The connect timeout a client being built gets, given the one the application chose (or null). */
    Duration connectTimeout(Duration applicationValue);

    /**
     * Starts a call. Returns what to pass to the other methods: null when nested or not traced,
     * a {@link CallRejectedException} when a policy refuses the call (the method is then skipped).
     */
    Object enter(Object client, Object request, Object bodyHandler);

    /** The request to send for the call's current attempt: a view with its headers and timeout. */
    Object requestToSend(Object call, Object request);

    /** The body handler to use: the application's, bounded by the policy's read timeout and deadline. */
    Object bodyHandlerToUse(Object call, Object bodyHandler);

    /**
     * Ends the current attempt.
     *
     * @param async true for sendAsync, whose attempts end when their futures complete
     * @param returned the response of send or the future of sendAsync; null when it threw
     * @return true when send must run again for a retry; the backoff has then been waited
     */
    boolean exit(Object call, boolean async, Object returned, Throwable thrown);

    /**
     * The client is about to send (again) on an exchange.
     *
     * @param userRequest the request the exchange was made for: the one the agent sent for the call's attempt
     * @param attemptsBefore how many times it sent before: from 1 on, this is its own retry or redirect
     * @param retryCause the last failure it retried after, or null
     * @param previousResponse the last response it followed (a redirect, an auth challenge), or null
     */
    void exchangeAttempt(Object userRequest, int attemptsBefore, Object request, Throwable retryCause,
            Object previousResponse);

    /** What the method returns to the application: for sendAsync, a future of the last attempt. */
    Object returned(Object call, boolean async, Object returned);

    /** What the method throws to the application; a rejection in place of sending. */
    Throwable thrown(Object call, Throwable thrown);
}
