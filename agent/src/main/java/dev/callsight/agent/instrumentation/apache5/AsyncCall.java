package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.client.Alarm;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.RetrySource;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * One application call through the async client, standing in for the callback at the head of its
 * chain: whatever reaches the head (the last attempt's response, the final failure) ends the call.
 * When the deadline passes first, the application hears a SocketTimeoutException, as for the
 * library's own response timeout, and the exchange is cancelled.
 */
final class AsyncCall implements AsyncExecCallback {

    final LogicalCall logical;
    final AsyncExecChain.Scope scope;
    final RequestConfig applicationConfig;
    final boolean bodyReplayable;
    private final AsyncExecCallback application;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    volatile RetrySource nextSource = RetrySource.FIRST;
    volatile SocketTimeoutException deadlinePassed;
    volatile Alarm deadline;
    /** The attempt in flight, which the deadline ends too: a cancelled exchange may never report back. */
    volatile TracedExecCallback attempt;

    AsyncCall(LogicalCall logical, AsyncExecChain.Scope scope, boolean bodyReplayable, AsyncExecCallback application,
            Runnable onEnd) {
        this.logical = logical;
        this.scope = scope;
        this.applicationConfig = scope.clientContext.getRequestConfig();
        this.bodyReplayable = bodyReplayable;
        this.application = application;
        this.onEnd = onEnd;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
            throws HttpException, IOException {
        return application.handleResponse(response, entityDetails);
    }

    @Override
    public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
        application.handleInformationResponse(response);
    }

    @Override
    public void completed() {
        if (end()) {
            application.completed();
        }
    }

    @Override
    public void failed(Exception cause) {
        if (end()) {
            application.failed(cause);
        }
    }

    /**
     * The deadline passed: the application's future fails with the timeout and the exchange stops.
     * When the call ended on another thread meanwhile (the library's own response timeout, set to
     * the same instant), that thread answers the application; cancelling here would race it and
     * hand the application a CancellationException instead.
     */
    void deadlinePassed(SocketTimeoutException timeout) {
        deadlinePassed = timeout;
        TracedExecCallback inFlight = attempt;
        if (inFlight != null) {
            inFlight.end(timeout);
        }
        if (end()) {
            application.failed(timeout);
            scope.cancellableDependency.cancel();
        }
    }

    /** Ends the call once; false when it had already ended. */
    boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        try {
            Alarm pending = deadline;
            if (pending != null) {
                pending.cancel();
            }
            scope.clientContext.setRequestConfig(applicationConfig);
            onEnd.run();
            logical.end();
        } catch (RuntimeException agentFault) {
            // The application still hears how its call ended.
            AgentLog.warn("could not end an Apache HttpClient 5 call", agentFault);
        }
        return true;
    }

    boolean isEnded() {
        return ended.get();
    }
}
