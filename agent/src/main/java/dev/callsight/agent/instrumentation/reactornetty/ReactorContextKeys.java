package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.core.context.CarriedContext;

/** Keys of what the agent keeps in a Reactor subscriber context. */
final class ReactorContextKeys {

    /** The context of the server request being handled (a CarriedContext), put there by the server glue. */
    static final String SERVER_CONTEXT = "dev.callsight.server.context";
    /** The client call of one subscription, for the callbacks of its attempts. */
    static final String CLIENT_CALL = "dev.callsight.client.call";

    private ReactorContextKeys() {}
}
