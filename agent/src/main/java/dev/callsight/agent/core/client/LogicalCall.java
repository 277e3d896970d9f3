package dev.callsight.agent.core.client;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.policy.Policy;
import dev.callsight.agent.core.policy.RetryCondition;
import dev.callsight.agent.core.policy.RetryPolicy;
import dev.callsight.agent.core.resilience.CircuitBreaker;
import dev.callsight.agent.core.resilience.RetryAfter;
import dev.callsight.agent.core.resilience.UpstreamGuards;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

/**
 * One request of the application, from the first attempt to the last: which timeouts its
 * client should use, whether a failed attempt is retried and after how long, and the record of
 * each attempt as its own span. The glue calls {@link #startAttempt} and {@link #endAttempt} for
 * every attempt it sees, asks {@link #retryDelayNanos} after a failed one, and calls {@link #end}
 * once at the end.
 */
public final class LogicalCall {

    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final AttributeKey<String> TIMEOUT_KIND = AttributeKey.stringKey("callsight.timeout.kind");
    private static final AttributeKey<String> WOULD_TIME_OUT = AttributeKey.stringKey("callsight.timeout.would_exceed");
    private static final AttributeKey<String> BREAKER_FROM = AttributeKey.stringKey("from");
    private static final AttributeKey<String> BREAKER_TO = AttributeKey.stringKey("to");
    private static final AttributeKey<Long> BACKOFF_MS = AttributeKey.longKey("callsight.retry.backoff_ms");
    private static final AtomicIntegerFieldUpdater<LogicalCall> ATTEMPTS =
            AtomicIntegerFieldUpdater.newUpdater(LogicalCall.class, "attempts");
    private static final AtomicIntegerFieldUpdater<LogicalCall> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(LogicalCall.class, "ended");

    private final OutboundCalls calls;
    private final ClientRequest request;
    private final String method;
    private final Policy policy;
    private final UpstreamGuards guards;
    private final Context parent;
    /** Whether the application's request carries a trace context of its own, read once when the call began. */
    private final boolean applicationContext;
    private final String parentSpanId;
    private final long startNanos;
    private final Thread thread = Thread.currentThread();
    /** Attempts before this call's first, when it repeats a call the application made before. */
    private final int resendOffset;
    private final RetrySource firstSource;
    private final String firstReason;
    // Fields rather than AtomicInteger and AtomicBoolean: two objects fewer per call.
    private volatile int attempts;
    private volatile int ended;
    private volatile SpanContext firstAttempt;
    private volatile boolean holdsPermit;
    /** Why the last attempt failed, as a retry reason; null when it succeeded. */
    private volatile String lastFailure;
    private volatile long pendingBackoffMillis = -1;
    private volatile boolean observedDeadline;
    /** The metric attributes (site, status, error type) of the last attempt that ended: the call's outcome. */
    private volatile Attributes lastOutcome;
    private volatile boolean rejected;

    LogicalCall(OutboundCalls calls, ClientRequest request, String method, Policy policy, UpstreamGuards guards,
            Context parent, boolean applicationContext, String parentSpanId, long startNanos,
            ApplicationRetryDetector.FailedCall repeated) {
        this.calls = calls;
        this.request = request;
        this.method = method;
        this.policy = policy;
        this.guards = guards;
        this.parent = parent;
        this.applicationContext = applicationContext;
        this.parentSpanId = parentSpanId;
        this.startNanos = startNanos;
        this.resendOffset = repeated == null ? 0 : repeated.nextResend;
        this.firstSource = repeated == null ? RetrySource.FIRST : RetrySource.APPLICATION;
        this.firstReason = repeated == null ? null : repeated.reason;
        this.firstAttempt = repeated == null ? null : repeated.firstAttempt;
    }

    public Policy policy() {
        return policy;
    }

    /** The application's request: method, URI and the headers the core cares about. */
    public ClientRequest request() {
        return request;
    }

    /**
     * The connect timeout the client should use, given the application's (0 or less for none):
     * under an enforced policy the shorter of the two, otherwise the application's.
     */
    public int connectTimeoutMillis(int applicationMillis) {
        return policy.connectTimeoutMillis(applicationMillis);
    }

    /** The read timeout (longest wait between bytes) the client should use; as for connect. */
    public int readTimeoutMillis(int applicationMillis) {
        return policy.readTimeoutMillis(applicationMillis);
    }

    /** What is left of the enforced deadline, at least 1 ms; Long.MAX_VALUE when none applies. */
    public long remainingDeadlineMillis() {
        Duration deadline = policy.timeouts().deadline();
        if (!policy.enforced() || deadline == null) {
            return Long.MAX_VALUE;
        }
        long elapsed = calls.nanoTime() - startNanos;
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline.toNanos() - elapsed));
    }

    public boolean hasEnforcedDeadline() {
        return remainingDeadlineMillis() != Long.MAX_VALUE;
    }

    /** Starts an attempt's span; {@code source} is FIRST for the application's own request. */
    public ClientCall startAttempt(ClientRequest attemptRequest, RetrySource source) {
        int index = ATTEMPTS.getAndIncrement(this);
        int resend = resendOffset + index;
        RetrySource effective = index == 0 ? firstSource : source;
        String reason = index == 0 ? firstReason : lastFailure == null ? "redirect" : lastFailure;
        boolean ownContext = attemptRequest == request ? applicationContext
                : calls.tracer().carriesApplicationContext(attemptRequest);
        ClientCall attempt = calls.tracer().startAttempt(attemptRequest, parentOf(resend), resend,
                resend > 0 ? firstAttempt : null, effective, reason, ownContext, policy.name());
        Span span = attempt.span();
        if (index == 0 && firstAttempt == null) {
            firstAttempt = span.getSpanContext();
        }
        if (resend > 0) {
            if (effective == RetrySource.AGENT && pendingBackoffMillis >= 0) {
                span.setAttribute(BACKOFF_MS, pendingBackoffMillis);
            }
            calls.metrics().retry(attempt.metricAttributes(), reason, effective);
        }
        pendingBackoffMillis = -1;
        return attempt;
    }

    /**
     * Attempts are siblings under the call's parent. A call without a parent would scatter its
     * attempts over as many traces, so there later attempts become children of the first: one
     * call, one trace.
     */
    private Context parentOf(int resend) {
        if (resend == 0 || Span.fromContext(parent).getSpanContext().isValid() || firstAttempt == null) {
            return parent;
        }
        return parent.with(Span.wrap(firstAttempt));
    }

    /** Writes the attempt's context (traceparent and baggage by default) with the client's own header setter. */
    public void inject(ClientCall attempt, BiConsumer<String, String> setHeader) {
        calls.tracer().inject(attempt, request, setHeader);
    }

    /**
     * As {@link #inject(ClientCall, BiConsumer)}, for a client whose application headers are
     * complete only as the request goes out ({@code application} then has them).
     */
    public void inject(ClientCall attempt, ClientRequest application, BiConsumer<String, String> setHeader) {
        calls.tracer().inject(attempt, application, setHeader);
    }

    public void endAttempt(ClientCall attempt, int statusCode, String protocolVersion, Throwable error) {
        endAttempt(attempt, statusCode, protocolVersion, error, null);
    }

    /**
     * Ends an attempt.
     *
     * @param statusCode the response status, or 0 when no response arrived
     * @param timeout the limit the attempt ran into when the glue knows it; otherwise it is read off the error
     */
    public void endAttempt(ClientCall attempt, int statusCode, String protocolVersion, Throwable error,
            TimeoutKind timeout) {
        // Claimed first: a deadline timer and the client's own callback may end an attempt at once.
        if (attempt == null || !attempt.markEnded()) {
            return;
        }
        TimeoutKind kind = timeout != null ? timeout : TimeoutKind.of(error);
        Attributes callAttributes = attempt.metricAttributes();
        if (kind != null) {
            attempt.span().setAttribute(TIMEOUT_KIND, kind.attributeValue());
            calls.metrics().timeout(callAttributes, kind, true);
        } else if (!policy.enforced() && !observedDeadline && exceedsObservedDeadline()) {
            observedDeadline = true;
            attempt.span().setAttribute(WOULD_TIME_OUT, TimeoutKind.DEADLINE.attributeValue());
            calls.metrics().timeout(callAttributes, TimeoutKind.DEADLINE, false);
        }
        boolean refused = error instanceof CallRejectedException;
        boolean failed = error != null || statusCode >= 500 || statusCode == 429;
        lastFailure = !failed ? null : error != null ? failureReason(error, kind) : Integer.toString(statusCode);
        if (guards != null && guards.breaker() != null && !refused && policy.enforced()) {
            CircuitBreaker.Transition changed = guards.breaker().record(error != null || statusCode >= 500);
            if (changed != null) {
                attempt.span().addEvent("callsight.circuit_breaker.state_change", Attributes.of(
                        BREAKER_FROM, changed.from().name().toLowerCase(Locale.ROOT),
                        BREAKER_TO, changed.to().name().toLowerCase(Locale.ROOT)));
            }
        }
        lastOutcome = calls.tracer().end(attempt, statusCode, protocolVersion, error);
    }

    /**
     * Whether and when the agent retries after a failed attempt: only under an enforced policy
     * that asks for retries, for the listed failures, for idempotent requests (or those with an
     * Idempotency-Key, or when the policy allows non-idempotent ones), when the body can be sent
     * again, while attempts are left, before the deadline, and while the upstream's retry budget
     * lasts. The wait is the exponential backoff with full jitter, or longer when the response's
     * Retry-After asks for longer.
     *
     * @return the wait in nanoseconds before the next attempt, or -1 for no retry
     */
    public long retryDelayNanos(int statusCode, Throwable error, String retryAfterHeader, boolean bodyReplayable) {
        RetryPolicy retry = policy.retry();
        if (retry == null || !policy.enforced() || error instanceof CallRejectedException
                || attempts >= retry.maxAttempts() || !bodyReplayable || !retryable(retry, statusCode, error)) {
            return -1;
        }
        if (!retry.nonIdempotent() && !IDEMPOTENT_METHODS.contains(method) && !request.hasIdempotencyKey()) {
            return -1;
        }
        long backoff = retry.backoffNanos(attempts);
        long delay = retry.fullJitter() ? ThreadLocalRandom.current().nextLong(backoff + 1) : backoff;
        long asked = RetryAfter.nanos(retryAfterHeader, System.currentTimeMillis());
        delay = Math.max(delay, asked);
        Duration deadline = policy.timeouts().deadline();
        if (deadline != null && calls.nanoTime() - startNanos + delay >= deadline.toNanos()) {
            return -1;
        }
        if (guards != null && guards.retryBudget() != null && !guards.retryBudget().tryAcquireRetry()) {
            return -1;
        }
        pendingBackoffMillis = TimeUnit.NANOSECONDS.toMillis(delay);
        return delay;
    }

    /**
     * Ends the logical call after its last attempt: records it once, from its start to now, with the last attempt's
     * outcome (the caller's view), and releases its concurrency permit.
     */
    public void end() {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return;
        }
        Attributes outcome = lastOutcome;
        if (outcome != null) {
            calls.tracer().endCall(calls.nanoTime() - startNanos, outcome);
        }
        if (holdsPermit) {
            guards.concurrency().release();
        }
        if (Thread.currentThread() != thread) {
            return;
        }
        if (lastFailure != null && !rejected) {
            calls.applicationRetries().remember(new ApplicationRetryDetector.FailedCall(method, request.uri().toString(),
                    parentSpanId, calls.nanoTime(), resendOffset + attempts, firstAttempt, lastFailure));
        }
    }

    /** Applies the circuit breaker and concurrency limit; a refused call is recorded as one failed attempt. */
    void admit() throws CallRejectedException {
        if (guards.breaker() != null && !guards.breaker().tryAcquire()) {
            reject("circuit_open", "circuit open for " + guards.upstream() + " (policy " + policy.name() + ")");
        }
        if (guards.concurrency() != null) {
            if (!guards.concurrency().tryAcquire()) {
                reject("concurrency_limit", guards.concurrency().availablePermits() + " of "
                        + policy.maxConcurrent() + " concurrent calls free for " + guards.upstream()
                        + " (policy " + policy.name() + ")");
            }
            holdsPermit = true;
        }
    }

    /** A refused call sent nothing, so it is no resend of anything, and nothing can be a resend of it. */
    private void reject(String reason, String message) throws CallRejectedException {
        CallRejectedException rejected = new CallRejectedException(reason, message);
        ClientCall attempt = calls.tracer().startAttempt(request, parent, 0, null, RetrySource.FIRST, null,
                applicationContext, policy.name());
        this.rejected = true;
        calls.metrics().rejection(attempt.metricAttributes(), reason);
        endAttempt(attempt, 0, null, rejected);
        end();
        throw rejected;
    }

    private boolean exceedsObservedDeadline() {
        Duration deadline = policy.timeouts().deadline();
        return deadline != null && calls.nanoTime() - startNanos > deadline.toNanos();
    }

    private static boolean retryable(RetryPolicy retry, int statusCode, Throwable error) {
        if (error == null) {
            return retry.retriesOnStatus(statusCode);
        }
        RetryCondition condition = condition(error, TimeoutKind.of(error));
        return condition != null && retry.retriesOn(condition);
    }

    private static RetryCondition condition(Throwable error, TimeoutKind kind) {
        if (error instanceof ConnectException || error instanceof UnknownHostException
                || error instanceof NoRouteToHostException || kind == TimeoutKind.CONNECT) {
            return kind == TimeoutKind.CONNECT ? RetryCondition.TIMEOUT : RetryCondition.CONNECT_ERROR;
        }
        if (kind != null) {
            return RetryCondition.TIMEOUT;
        }
        return error instanceof IOException ? RetryCondition.IO_ERROR : null;
    }

    private static String failureReason(Throwable error, TimeoutKind kind) {
        if (error instanceof CallRejectedException) {
            return ((CallRejectedException) error).reason();
        }
        RetryCondition condition = condition(error, kind);
        return condition == null ? "error" : condition.configName();
    }
}
