package dev.callsight.agent.core.client;

import io.opentelemetry.api.trace.SpanContext;

/**
 * Recognises an application's own retry loop. A call counts as a retry of the previous one
 * when all of these hold: it starts on the thread that made the previous call, within
 * {@link #WINDOW_NANOS} after that call failed (an exception, 5xx or 429), with the same method
 * and the same URL, under the same parent span (or with no parent for both). Calls made
 * asynchronously are never matched, since they carry no reliable thread. One entry per thread,
 * so the memory this costs is bounded by the application's thread count.
 */
final class ApplicationRetryDetector {

    static final long WINDOW_NANOS = 10_000_000_000L;

    /** The last failed call made on a thread, and how its attempts were counted. */
    static final class FailedCall {
        final String method;
        final String url;
        final String parentSpanId;
        final long endedAt;
        final int nextResend;
        final SpanContext firstAttempt;
        final String reason;

        FailedCall(String method, String url, String parentSpanId, long endedAt, int nextResend,
                SpanContext firstAttempt, String reason) {
            this.method = method;
            this.url = url;
            this.parentSpanId = parentSpanId;
            this.endedAt = endedAt;
            this.nextResend = nextResend;
            this.firstAttempt = firstAttempt;
            this.reason = reason;
        }
    }

    /** Cleared with set(null), never remove(): the thread keeps its map entry, so the next call allocates none. */
    private final ThreadLocal<FailedCall> lastFailure = new ThreadLocal<>();

    /** The failed call this one repeats, or null. Either way the remembered failure is used up. */
    FailedCall repeatOf(String method, ClientRequest request, String parentSpanId, long nowNanos) {
        FailedCall failed = lastFailure.get();
        if (failed == null) {
            return null;
        }
        lastFailure.set(null);
        boolean repeats = nowNanos - failed.endedAt <= WINDOW_NANOS && failed.method.equals(method)
                && failed.parentSpanId.equals(parentSpanId) && failed.url.equals(request.uri().toString());
        return repeats ? failed : null;
    }

    void remember(FailedCall failed) {
        lastFailure.set(failed);
    }

    void forget() {
        lastFailure.set(null);
    }
}
