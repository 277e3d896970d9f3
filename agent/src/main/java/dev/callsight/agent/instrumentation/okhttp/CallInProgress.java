package dev.callsight.agent.instrumentation.okhttp;

import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.RetrySource;
import okhttp3.Call;
import okhttp3.HttpUrl;

/**
 * One logical call on the thread that runs OkHttp's interceptor chain for it, from the agent's
 * application interceptor down to the exchange. Calls nest on a thread (an authenticator may
 * make a call of its own while OkHttp follows up a response), so each remembers the one it
 * interrupted.
 */
final class CallInProgress {

    final Call call;
    /** The URL of the application's request. */
    final HttpUrl url;
    final LogicalCall logical;
    final CallInProgress interrupted;
    /** Who makes the next attempt: FIRST, then OkHttp itself unless the agent retries. */
    volatile RetrySource nextSource = RetrySource.FIRST;
    /** The attempt started last; the one whose response the chain returns. */
    volatile Attempt lastAttempt;
    /** System.nanoTime() at which the call's timeout ends it; 0 when it has none. */
    volatile long deadlineNanos;

    CallInProgress(Call call, HttpUrl url, LogicalCall logical, CallInProgress interrupted) {
        this.call = call;
        this.url = url;
        this.logical = logical;
        this.interrupted = interrupted;
    }
}
