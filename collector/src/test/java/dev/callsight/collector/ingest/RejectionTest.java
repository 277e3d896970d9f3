package dev.callsight.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectionTest {

    private static final long LIMIT = 64 * 1024;

    @TempDir
    Path dataDir;

    private Collector collector;

    @BeforeEach
    void start() {
        collector = TestCollectors.start(dataDir, LIMIT);
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void malformedProtobufIs400AndStoresNothing() {
        HttpResponse<String> response = Http.post(traces(), "application/x-protobuf", new byte[] {0x0a, (byte) 0xff, 0x01});
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("invalid OTLP protobuf for ExportTraceServiceRequest: "), response.body());
        assertNothingStored();
    }

    @Test
    void malformedJsonIs400AndStoresNothing() {
        HttpResponse<String> response = Http.post(metrics(), "application/json",
                "{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("invalid OTLP JSON for ExportMetricsServiceRequest: "), response.body());

        HttpResponse<String> badId = Http.post(traces(), "application/json",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(400, badId.statusCode());
        assertTrue(badId.body().contains("traceId 'xyz' is not a hex string"), badId.body());
        assertNothingStored();
    }

    @Test
    void oneInvalidSpanRejectsTheWholeBatch() {
        var good = Otlp.clientSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 200);
        var shortId = good.toBuilder().setTraceId(ByteString.copyFrom(new byte[5])).build();
        HttpResponse<String> response = Http.post(traces(), "application/x-protobuf",
                Otlp.traces("checkout", good, shortId).toByteArray());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("invalid trace_id: 5 bytes"), response.body());

        var badBuckets = Otlp.point(Otlp.BASE_NANOS, Otlp.BASE_NANOS + 1, 200, 1).toBuilder()
                .addBucketCounts(1).build();
        HttpResponse<String> metricResponse = Http.post(metrics(), "application/x-protobuf",
                Otlp.metrics("checkout", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                        Otlp.point(Otlp.BASE_NANOS, Otlp.BASE_NANOS + 1, 200, 1), badBuckets).toByteArray());
        assertEquals(400, metricResponse.statusCode());
        assertTrue(metricResponse.body().contains("16 bucket counts for 14 explicit bounds"), metricResponse.body());
        assertNothingStored();
    }

    @Test
    void valuesTheJdbcSpanTableCannotHoldAre400NotARetryable503() {
        // The span log holds any span kind number; the table's column does not.
        collector.close();
        collector = TestCollectors.startWithJdbcSpans(dataDir, LIMIT);
        var outOfRange = Otlp.clientSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 200).toBuilder()
                .setKindValue(40_000).build();
        HttpResponse<String> response = Http.post(traces(), "application/x-protobuf",
                Otlp.traces("checkout", outOfRange).toByteArray());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("invalid OTLP data: "), response.body());
        assertTrue(response.headers().firstValue("Retry-After").isEmpty(), "not worth retrying");
        assertNothingStored();
    }

    @Test
    void deeplyNestedJsonIs400() {
        String deep = "{\"resourceSpans\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        HttpResponse<String> response = Http.post(traces(), "application/json", deep.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, response.statusCode(), response.body());
        assertNothingStored();
    }

    @Test
    void oversizeBodyIs413() {
        HttpResponse<String> response = Http.post(traces(), "application/x-protobuf", new byte[(int) LIMIT + 1]);
        assertEquals(413, response.statusCode());
        assertTrue(response.body().contains("exceeds the limit of " + LIMIT + " bytes"), response.body());
    }

    @Test
    void gzipBombIs413() {
        byte[] inflated = new byte[16 * 1024 * 1024];
        HttpResponse<String> response = Http.post(traces(), "application/x-protobuf", inflated, true);
        assertEquals(413, response.statusCode());
        assertTrue(response.body().contains("decompressed request body exceeds"), response.body());
        assertNothingStored();
    }

    @Test
    void wrongContentTypeIs415WrongMethodIs405UnknownPathIs404() {
        assertEquals(415, Http.post(traces(), "text/plain", new byte[0]).statusCode());
        assertEquals(415, Http.send(HttpRequest.newBuilder(URI.create(traces())).header("Content-Type",
                "application/x-protobuf").header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build()).statusCode());
        HttpResponse<String> get = Http.get(traces());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertEquals(404, Http.post(collector.otlpEndpoint() + "/v1/logs", "application/x-protobuf", new byte[0])
                .statusCode());

        String metricsText = Http.get(collector.webEndpoint() + "/metrics").body();
        assertTrue(metricsText.contains("callsight_ingest_rejected_total{reason=\"unsupported_media_type\",} 2.0"),
                metricsText);
        assertTrue(metricsText.contains("callsight_ingest_requests_total{signal=\"traces\",outcome=\"rejected\",} 3.0"),
                metricsText);
    }

    private void assertNothingStored() {
        assertEquals(0, collector.spanStore().spanCount());
        assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM rollup_minute"));
        assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM cumulative_stream"));
    }

    private String traces() {
        return collector.otlpEndpoint() + "/v1/traces";
    }

    private String metrics() {
        return collector.otlpEndpoint() + "/v1/metrics";
    }
}
