package dev.callsight.agent.instrumentation.okhttp;

import dev.callsight.agent.core.client.ClientCall;


/** One physical attempt of a call, from ConnectInterceptor's entry to the end of its response body. */
final class Attempt {

    final CallInProgress owner;
    final ClientCall traced;
    /** The body that ends this attempt, once OkHttp has opened it; set and read on the call's thread. */
    AttemptEndingBody endingBody;

    Attempt(CallInProgress owner, ClientCall traced) {
        this.owner = owner;
        this.traced = traced;
    }
}
