package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.client.RetrySource;
import dev.callsight.agent.core.client.TimeoutKind;
import dev.callsight.agent.core.context.CarriedContext;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.retry.Retry;

/**
 * One subscription to a Reactor Netty request: the logical call and its attempts. The call
 * begins when the request is subscribed, under the context current there (or, on a thread that
 * has none, the server request's context the reactive chain carries). Each request Reactor
 * Netty sends is an attempt (its own redirects and reconnects are attempts of source
 * {@code client}); an attempt ends when its response head arrives or it fails. A response the
 * policy retries is dropped and the request subscribed again after the backoff, on Reactor's
 * timer; the deadline ends the call with a {@link TimeoutException}, as Reactor's own
 * {@code timeout} does; a refused call is a {@link CallRejectedException} signal.
 */
final class ReactorCall {

    /** The signal that turns a retried response into a resubscription. */
    private static final class AgentRetry extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient long delayNanos;

        AgentRetry(long delayNanos) {
            super("callsight: retry", null, false, false);
            this.delayNanos = delayNanos;
        }
    }

    private final LogicalCall logical;
    private volatile ClientCall attempt;
    private volatile RetrySource nextSource = RetrySource.FIRST;
    private volatile int status;
    private volatile String retryAfter;

    private ReactorCall(LogicalCall logical) {
        this.logical = logical;
    }

    /** The connection Mono of Reactor Netty (it emits once the response head is in), traced and enforced. */
    static Mono<? extends Connection> around(Mono<? extends Connection> connection, OutboundCalls calls,
            ClientRequest request) {
        return Mono.deferContextual(view -> {
            Object carried = view.getOrDefault(ReactorContextKeys.SERVER_CONTEXT, null);
            LogicalCall logical;
            try {
                logical = calls.begin(request, carried instanceof CarriedContext ? (CarriedContext) carried : null);
            } catch (CallRejectedException rejected) {
                return Mono.error(rejected);
            } catch (RuntimeException agentFault) {
                AgentLog.warn("could not trace a Reactor Netty request", agentFault);
                return connection;
            }
            ReactorCall call = new ReactorCall(logical);
            Mono<Connection> attempts = connection.doOnError(call::attemptFailed)
                    .flatMap(call::answered)
                    .retryWhen(Retry.from(signals -> signals.concatMap(signal -> call.backoff(signal.failure()))));
            if (logical.hasEnforcedDeadline()) {
                attempts = attempts.timeout(Duration.ofMillis(logical.remainingDeadlineMillis()),
                        Mono.defer(() -> Mono.error(call.deadlinePassed())));
            }
            return attempts.doOnSuccess(answered -> logical.end())
                    .doOnError(failed -> logical.end())
                    .doOnCancel(call::cancelled)
                    .contextWrite(context -> context.put(ReactorContextKeys.CLIENT_CALL, call));
        });
    }

    /** doOnRequest: an attempt goes out; its context headers are written as the request head is. */
    static void requestSent(HttpClientRequest request, Connection connection) {
        try {
            Object call = request.currentContextView().getOrDefault(ReactorContextKeys.CLIENT_CALL, null);
            if (call instanceof ReactorCall) {
                ((ReactorCall) call).sent(request, connection);
            }
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not start a Reactor Netty attempt", agentFault);
        }
    }

    /** doOnResponse: the attempt's response head arrived. */
    static void responseReceived(HttpClientResponse response, Connection connection) {
        try {
            Object call = response.currentContextView().getOrDefault(ReactorContextKeys.CLIENT_CALL, null);
            if (call instanceof ReactorCall) {
                ((ReactorCall) call).received(response);
            }
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not end a Reactor Netty attempt", agentFault);
        }
    }

    private void sent(HttpClientRequest request, Connection connection) {
        ClientCall unanswered = attempt;
        if (unanswered != null) {
            // Reactor Netty followed a redirect or reconnected without telling the response.
            logical.endAttempt(unanswered, 0, null, null);
        }
        RetrySource source = nextSource;
        nextSource = RetrySource.CLIENT;
        ClientRequest sent = source == RetrySource.CLIENT
                ? new ClientRequest(request.method().name(), URI.create(request.resourceUrl()), ClientRequest.NO_HEADERS, false)
                : logical.request();
        ClientCall started = logical.startAttempt(sent, source);
        attempt = started;
        status = 0;
        retryAfter = null;
        ContextHeaders.writeOnRequestHead(connection, logical, started, sent);
    }

    private void received(HttpClientResponse response) {
        ClientCall answered = attempt;
        status = response.status().code();
        retryAfter = response.responseHeaders().get("Retry-After");
        if (answered != null) {
            attempt = null;
            logical.endAttempt(answered, status, protocolOf(response), null);
        }
    }

    private void attemptFailed(Throwable error) {
        if (error instanceof AgentRetry) {
            return;
        }
        try {
            ClientCall failed = attempt;
            attempt = null;
            if (failed == null) {
                // It failed before a request went out (no connection): still an attempt of the call.
                failed = logical.startAttempt(logical.request(), nextSource);
                nextSource = RetrySource.CLIENT;
            }
            logical.endAttempt(failed, 0, null, error);
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not end a failed Reactor Netty attempt", agentFault);
        }
    }

    /** The response head is in: handed to the application, or dropped for a retry. */
    private Mono<Connection> answered(Connection connection) {
        int code = status;
        long delay = -1;
        try {
            delay = code >= 400 ? logical.retryDelayNanos(code, null, retryAfter, true) : -1;
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not decide on a Reactor Netty retry", agentFault);
        }
        if (delay < 0) {
            return Mono.just(connection);
        }
        connection.dispose();
        return Mono.error(new AgentRetry(delay));
    }

    private Mono<Long> backoff(Throwable failure) {
        long delay = -1;
        try {
            delay = failure instanceof AgentRetry ? ((AgentRetry) failure).delayNanos
                    : logical.retryDelayNanos(0, failure, null, true);
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not decide on a Reactor Netty retry", agentFault);
        }
        if (delay < 0) {
            return Mono.error(failure);
        }
        nextSource = RetrySource.AGENT;
        return Mono.delay(Duration.ofNanos(delay));
    }

    private TimeoutException deadlinePassed() {
        TimeoutException timeout = new TimeoutException("deadline of policy " + logical.policy().name() + " exceeded: "
                + logical.policy().timeouts().deadline());
        ClientCall open = attempt;
        attempt = null;
        if (open != null) {
            logical.endAttempt(open, 0, null, timeout, TimeoutKind.DEADLINE);
        }
        return timeout;
    }

    /** The subscriber went away (its own timeout, or it has what it wanted): an open attempt ends unanswered. */
    private void cancelled() {
        ClientCall open = attempt;
        attempt = null;
        if (open != null) {
            logical.endAttempt(open, 0, null, new CancellationException("cancelled by the subscriber"));
        }
        logical.end();
    }

    private static String protocolOf(HttpClientResponse response) {
        String version = response.version().text();
        return version.startsWith("HTTP/") ? version.substring(5) : version;
    }
}
