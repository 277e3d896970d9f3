package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined into Reactor Netty's HttpClientFinalizer, where the application asks
 * for the response (response, responseConnection, responseContent, responseSingle). The
 * bootstrap loader cannot see the library, so its objects pass as Object.
 */
public interface ReactorNettyClientHook {

    ReactorNettyClientHook NONE = new ReactorNettyClientHook() {
        @Override
        public Object traced(Object receiver) {
            return null;
        }

        @Override
        public Object respond(Object traced, String method, Object receiver) {
            throw new IllegalStateException("no traced receiver to answer " + method);
        }

        @Override
        public void exited() {}
    };

    /**
     * Returns the receiver whose same method answers in place of this one (a copy of the client
     * that traces and enforces the call), or null to run the method as it is: a nested call, or
     * a request the agent cannot trace. Every call is followed by {@link #exited} on the same thread.
     */
    Object traced(Object receiver);

    /**
     * Runs the method the application called ({@code method}: response, responseConnection, responseContent or
     * responseSingle) on the traced receiver, with the application's response function ({@code receiver}, null for
     * the methods that take none), and returns what it returns.
     */
    Object respond(Object traced, String method, Object receiver);

    void exited();
}
