package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined into Apache HttpClient's classic clients (4.5 and 5): the client's
 * doExecute, which is one application call, and ProtocolExec.execute below it, which runs once
 * per request on the wire (the library's retry and redirect handlers sit in between). The
 * bootstrap loader cannot see the library, so its objects pass as Object.
 */
public interface ApacheClassicHook {

    ApacheClassicHook NONE = new ApacheClassicHook() {
        @Override
        public Object callStarted(Object target, Object request) {
            return null;
        }

        @Override
        public Object attemptStarted(Object request, Object routeOrScope, Object context) {
            return null;
        }

        @Override
        public void attemptEnded(Object attempt, Object response, Throwable thrown) {}

        @Override
        public boolean callEnded(Object call, Object response, Throwable thrown) {
            return false;
        }

        @Override
        public void responseClosed(Object response) {}

        @Override
        public Throwable thrown(Object call, Throwable thrown) {
            return thrown;
        }
    };

    /**
     * doExecute(target, request, context) entered. Returns the call to pass to the other
     * methods; a CallRejectedException, which the method throws instead of running; or null.
     */
    Object callStarted(Object target, Object request);

    /**
     * ProtocolExec.execute entered: 4.5 passes (request, route, context), 5 (request, scope, null).
     * Returns the attempt to pass to {@link #attemptEnded}, or null.
     */
    Object attemptStarted(Object request, Object routeOrScope, Object context);

    /** @param response what execute returned, or null when it threw */
    void attemptEnded(Object attempt, Object response, Throwable thrown);

    /** The application or the library closed a response, which ends its attempt if its body was not read. */
    void responseClosed(Object response);

    /** doExecute returned or threw: true when the agent retries, and the method is to run again. */
    boolean callEnded(Object call, Object response, Throwable thrown);

    /** What doExecute throws in place of {@code thrown}: a rejection, or the timeout the deadline became. */
    Throwable thrown(Object call, Throwable thrown);
}
