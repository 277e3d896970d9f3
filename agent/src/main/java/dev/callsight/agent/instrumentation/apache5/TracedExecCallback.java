package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.client.AttemptTimeouts;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.TimeoutKind;
import java.io.IOException;
import java.util.function.LongConsumer;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * Stands in for the exec callback AsyncProtocolExec hands down the chain, so one async attempt
 * ends when its exchange does: when the response body ends, or the exchange fails. The attempt
 * ends before the library or the application hears of the outcome, since hearing it may start the
 * next attempt (a retry, a redirect, the application's next call) at once. When the policy retries,
 * the library never hears of the failed attempt: its response body is discarded (a null consumer,
 * as the library's own authentication handling returns) and the attempt is sent again.
 */
final class TracedExecCallback implements AsyncExecCallback {

    private final AsyncCall call;
    private final ClientCall attempt;
    private final AttemptTimeouts timeouts;
    private final AsyncExecCallback delegate;
    /** Sends the attempt again, after the given wait in nanoseconds. */
    private final LongConsumer resend;
    private volatile HttpResponse response;
    private volatile long retryDelayNanos = -1;

    TracedExecCallback(AsyncCall call, ClientCall attempt, AttemptTimeouts timeouts, AsyncExecCallback delegate,
            LongConsumer resend) {
        this.call = call;
        this.attempt = attempt;
        this.timeouts = timeouts;
        this.delegate = delegate;
        this.resend = resend;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse head, EntityDetails entityDetails)
            throws HttpException, IOException {
        response = head;
        if (head.getCode() >= 400 && call.deadlinePassed == null) {
            retryDelayNanos = retryDelay(head.getCode(), null, Apache5Requests.valueOf(head.getFirstHeader("Retry-After")));
            if (retryDelayNanos >= 0) {
                return null;
            }
        }
        if (entityDetails == null) {
            end(null);
            return delegate.handleResponse(head, null);
        }
        AsyncDataConsumer consumer = delegate.handleResponse(head, entityDetails);
        return consumer == null ? null : new EndingDataConsumer(consumer, () -> end(null));
    }

    @Override
    public void handleInformationResponse(HttpResponse head) throws HttpException, IOException {
        delegate.handleInformationResponse(head);
    }

    @Override
    public void completed() {
        end(null);
        if (retryDelayNanos < 0) {
            delegate.completed();
        } else if (!resent(retryDelayNanos)) {
            delegate.failed(new IOException("callsight could not send the retry of a " + Apache5Requests.statusOf(response)));
        }
    }

    @Override
    public void failed(Exception cause) {
        end(cause);
        if (call.deadlinePassed == null && !call.isEnded()) {
            long delay = retryDelay(0, cause, null);
            if (delay >= 0 && resent(delay)) {
                return;
            }
        }
        delegate.failed(cause);
    }

    /** The policy's wait before a retry, or -1; -1 too when the agent fails, which must not fail the exchange. */
    private long retryDelay(int status, Throwable error, String retryAfter) {
        try {
            return call.logical.retryDelayNanos(status, error, retryAfter, call.bodyReplayable);
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not decide on a retry", agentFault);
            return -1;
        }
    }

    /** Schedules the resend; false when the agent could not, and the library hears the outcome instead. */
    private boolean resent(long delayNanos) {
        try {
            resend.accept(delayNanos);
            return true;
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not schedule a retry", agentFault);
            return false;
        }
    }

    /** Ends the attempt; never throws into the library's I/O thread. */
    void end(Throwable error) {
        try {
            HttpResponse head = response;
            Throwable reported = call.deadlinePassed != null && error != null ? call.deadlinePassed : error;
            TimeoutKind kind = reported == null ? null
                    : call.deadlinePassed != null ? TimeoutKind.DEADLINE : timeouts.kindOf(reported);
            call.logical.endAttempt(attempt, Apache5Requests.statusOf(head), Apache5Requests.protocolVersion(head),
                    reported, kind);
        } catch (RuntimeException | LinkageError agentFault) {
            AgentLog.warn("could not end an Apache HttpClient 5 span", agentFault);
        }
    }
}
