package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined into Apache HttpClient 5's async execution chain: the chain's head,
 * where one application call enters, and AsyncProtocolExec.execute, which runs once per request
 * on the wire (the library's retry and redirect handlers sit in between). The bootstrap loader
 * cannot see the library, so its objects pass as Object.
 */
public interface ApacheAsyncHook {

    ApacheAsyncHook NONE = new ApacheAsyncHook() {
        @Override
        public Object chainEntered(Object request, Object entityProducer, Object scope, Object callback) {
            return callback;
        }

        @Override
        public void chainExited(Object entered, Throwable thrown) {}

        @Override
        public Object attemptStarted(Object protocolExec, Object request, Object entityProducer, Object scope,
                Object chain, Object callback) {
            return callback;
        }

        @Override
        public void attemptSubmitted(Object callback, Throwable thrown) {}
    };

    /**
     * A chain element's execute entered. At the head of a call's chain this begins the call and
     * returns the callback to use in place of the given one; when the policy refuses the call it
     * fails the callback and returns the CallRejectedException, and the element does not run.
     * Deeper in the chain it returns the given callback.
     */
    Object chainEntered(Object request, Object entityProducer, Object scope, Object callback);

    /** The chain element returned or threw; {@code entered} is what chainEntered returned. */
    void chainExited(Object entered, Throwable thrown);

    /** AsyncProtocolExec.execute entered: returns the callback to hand on, which ends the attempt. */
    Object attemptStarted(Object protocolExec, Object request, Object entityProducer, Object scope, Object chain,
            Object callback);

    /** AsyncProtocolExec.execute returned; when it threw, the attempt never went out. */
    void attemptSubmitted(Object callback, Throwable thrown);
}
