package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.policy.Policy;
import dev.callsight.agent.core.policy.PolicyFileReader;
import dev.callsight.agent.core.policy.PolicySet;
import dev.callsight.agent.testing.RecordingTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core's decisions on real spans and metrics, without a network: what the glue would be told. */
class LogicalCallTest {

    private static final AttributeKey<Long> RESEND = AttributeKey.longKey("http.request.resend_count");

    private final RecordingTelemetry telemetry = new RecordingTelemetry();

    @AfterEach
    void close() {
        telemetry.close();
    }

    @Test
    void onlyIdempotentOrKeyedRequestsAreRetried() throws Exception {
        OutboundCalls calls = calls("retry: { maxAttempts: 3, initialBackoff: 10ms, jitter: none, on: [503] }");

        assertEquals(10_000_000L, failedAttempt(calls, "GET", false).retryDelayNanos(503, null, null, true));
        assertEquals(-1, failedAttempt(calls, "POST", false).retryDelayNanos(503, null, null, true));
        assertEquals(10_000_000L, failedAttempt(calls, "POST", true).retryDelayNanos(503, null, null, true),
                "an Idempotency-Key makes a POST safe to resend");
        assertEquals(-1, failedAttempt(calls, "GET", false).retryDelayNanos(500, null, null, true), "500 is not listed");
        assertEquals(-1, failedAttempt(calls, "GET", false).retryDelayNanos(503, null, null, false),
                "a body that cannot be sent again");
    }

    @Test
    void backoffGrowsRetryAfterWinsAndAttemptsRunOut() throws Exception {
        OutboundCalls calls = calls("retry: { maxAttempts: 3, initialBackoff: 10ms, multiplier: 3, jitter: none,"
                + " on: [503, connect_error] }");
        LogicalCall call = calls.begin(request("GET", false));
        ClientCall first = call.startAttempt(call.request(), RetrySource.FIRST);
        call.endAttempt(first, 0, null, new ConnectException("refused"));
        assertEquals(10_000_000L, call.retryDelayNanos(0, new ConnectException("refused"), null, true));
        ClientCall second = call.startAttempt(call.request(), RetrySource.AGENT);
        call.endAttempt(second, 503, null, null);
        assertEquals(2_000_000_000L, call.retryDelayNanos(503, null, "2", true), "Retry-After: 2 is longer than 30 ms");
        ClientCall third = call.startAttempt(call.request(), RetrySource.AGENT);
        call.endAttempt(third, 503, null, null);
        assertEquals(-1, call.retryDelayNanos(503, null, null, true), "3 attempts made");
        call.end();

        List<SpanData> spans = telemetry.spans();
        assertNull(spans.get(0).getAttributes().get(RESEND));
        assertEquals(1L, spans.get(1).getAttributes().get(RESEND));
        assertEquals("connect_error", spans.get(1).getAttributes().get(AttributeKey.stringKey("callsight.retry.reason")));
        assertEquals(10L, spans.get(1).getAttributes().get(AttributeKey.longKey("callsight.retry.backoff_ms")));
        assertEquals(2L, spans.get(2).getAttributes().get(RESEND));
        assertEquals(spans.get(0).getSpanContext(), spans.get(2).getLinks().get(0).getSpanContext(),
                "every resend links to the first attempt");
        assertEquals(2, telemetry.counter("callsight.http.client.retries", "source", "agent"));
    }

    @Test
    void theCallersViewCountsOneCallWithItsFinalOutcome() throws Exception {
        OutboundCalls calls = calls("retry: { maxAttempts: 3, initialBackoff: 1ms, jitter: none, on: [503] }");
        LogicalCall call = calls.begin(request("GET", false));
        call.endAttempt(call.startAttempt(call.request(), RetrySource.FIRST), 503, "1.1", null);
        assertTrue(call.retryDelayNanos(503, null, null, true) >= 0);
        call.endAttempt(call.startAttempt(call.request(), RetrySource.AGENT), 200, "1.1", null);
        call.end();
        call.end();

        // Per attempt: one failure and one success. Per call: one success, once, however often end is called.
        assertEquals(1, telemetry.histogramCount("http.client.request.duration", "http.response.status_code", 503));
        assertEquals(1, telemetry.histogramCount("http.client.request.duration", "http.response.status_code", 200));
        assertEquals(1, telemetry.histogramCount("callsight.client.call.duration"));
        assertEquals(1, telemetry.histogramCount("callsight.client.call.duration", "http.response.status_code", 200));
    }

    @Test
    void noRetryWouldOutliveTheDeadline() throws Exception {
        OutboundCalls calls = calls("timeouts: { deadline: 1s }\n"
                + "    retry: { maxAttempts: 3, initialBackoff: 10ms, jitter: none, on: [503] }");
        LogicalCall call = failedAttempt(calls, "GET", false);
        assertEquals(-1, call.retryDelayNanos(503, null, "5", true), "Retry-After: 5 is past the 1 s deadline");
        assertTrue(call.remainingDeadlineMillis() <= 1000);
    }

    @Test
    void theRetryBudgetCapsRetriesAcrossCalls() throws Exception {
        OutboundCalls calls = calls("retry: { maxAttempts: 5, initialBackoff: 1ms, on: [503] }",
                "retryBudget: { ratio: 0.5, minPerSecond: 0, window: 10s }");
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += failedAttempt(calls, "GET", false).retryDelayNanos(503, null, null, true) >= 0 ? 1 : 0;
        }
        assertEquals(5, granted, "half a retry per call");
    }

    @Test
    void theConcurrencyLimitRejectsAndReleases() throws Exception {
        OutboundCalls calls = calls("maxConcurrent: 1");
        LogicalCall holding = calls.begin(request("GET", false));
        CallRejectedException rejected = assertThrows(CallRejectedException.class, () -> calls.begin(request("GET", false)));
        assertEquals("concurrency_limit", rejected.reason());
        holding.end();
        calls.begin(request("GET", false)).end();

        SpanData refused = telemetry.spans().get(0);
        assertEquals("concurrency_limit", refused.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertEquals(1, telemetry.counter("callsight.http.client.rejections", "reason", "concurrency_limit"));
    }

    @Test
    void anApplicationsOwnRetryLoopIsRecognised() throws Exception {
        OutboundCalls calls = calls("timeouts: { read: 1s }");
        LogicalCall failed = calls.begin(request("GET", false));
        ClientCall attempt = failed.startAttempt(failed.request(), RetrySource.FIRST);
        failed.endAttempt(attempt, 0, null, new SocketTimeoutException("Read timed out"));
        failed.end();
        LogicalCall repeated = calls.begin(request("GET", false));
        repeated.endAttempt(repeated.startAttempt(repeated.request(), RetrySource.FIRST), 200, "1.1", null);
        repeated.end();
        LogicalCall fresh = calls.begin(request("GET", false));
        fresh.endAttempt(fresh.startAttempt(fresh.request(), RetrySource.FIRST), 200, "1.1", null);
        fresh.end();

        List<SpanData> spans = telemetry.spans();
        assertEquals("read", spans.get(0).getAttributes().get(AttributeKey.stringKey("callsight.timeout.kind")));
        assertEquals(1L, spans.get(1).getAttributes().get(RESEND));
        assertEquals("application", spans.get(1).getAttributes().get(AttributeKey.stringKey("callsight.retry.source")));
        assertEquals("timeout", spans.get(1).getAttributes().get(AttributeKey.stringKey("callsight.retry.reason")));
        assertEquals(spans.get(0).getTraceId(), spans.get(1).getTraceId(), "a root call's repeat joins its trace");
        assertNull(spans.get(2).getAttributes().get(RESEND), "after a success, the next call is a new one");
        assertEquals(1, telemetry.counter("callsight.http.client.timeouts", "kind", "read"));
    }

    @Test
    void observeModeNeverShortensATimeout() throws Exception {
        Policy observed = PolicyFileReader.parse("p.yaml", "policies:\n  - match: { host: \"*\" }\n"
                + "    timeouts: { connect: 1s, read: 1s, deadline: 1s }\n    mode: observe\n").catchAll();
        assertEquals(0, observed.connectTimeoutMillis(0));
        assertEquals(5000, observed.readTimeoutMillis(5000));
        Policy enforced = PolicyFileReader.parse("p.yaml", "policies:\n  - match: { host: \"*\" }\n"
                + "    timeouts: { connect: 1s, read: 2s }\n").catchAll();
        assertEquals(1000, enforced.connectTimeoutMillis(0));
        assertEquals(1000, enforced.connectTimeoutMillis(5000));
        assertEquals(500, enforced.readTimeoutMillis(500), "a shorter timeout of the application is kept");
        assertFalse(PolicySet.DEFAULT.catchAll().enforced());
    }

    private OutboundCalls calls(String policyBody, String... topLevel) throws Exception {
        String yaml = "policies:\n  - match: { host: example.test }\n    " + policyBody + "\n" + String.join("\n", topLevel);
        return telemetry.calls(PolicyFileReader.parse("test.yaml", yaml));
    }

    private static LogicalCall failedAttempt(OutboundCalls calls, String method, boolean idempotencyKey)
            throws CallRejectedException {
        LogicalCall call = calls.begin(request(method, idempotencyKey));
        call.endAttempt(call.startAttempt(call.request(), RetrySource.FIRST), 503, "1.1", null);
        return call;
    }

    private static ClientRequest request(String method, boolean idempotencyKey) {
        return new ClientRequest(method, URI.create("http://example.test/orders/1"), ClientRequest.NO_HEADERS, idempotencyKey);
    }
}
