package dev.callsight.collector.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.testing.Eventually;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client spraying unique routes, peers or attributes cannot grow the rollups, /metrics or a stored span unbounded. */
class CardinalityTest {

    private static final int MAX_ROUTES = 50;
    private static final int MAX_PEERS = 20;
    private static final int MAX_ATTRIBUTE_LENGTH = 256;

    @TempDir
    Path dataDir;

    private Collector collector;

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    private Collector start() {
        collector = Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir)
                .ingestLimits(new IngestLimits(IngestLimits.DEFAULT_MAX_PENDING_REQUESTS,
                        IngestLimits.DEFAULT_MAX_PENDING_BYTES, MAX_ROUTES, MAX_PEERS, MAX_ATTRIBUTE_LENGTH))
                .build());
        return collector;
    }

    @Test
    void tenThousandUniqueRoutesFoldIntoOverflowAndKeepEveryCall() {
        start();
        for (int batch = 0; batch < 10; batch++) {
            List<HistogramDataPoint> points = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                points.add(point("users.internal", "/search/q-" + (batch * 1000 + i)));
            }
            send(points);
        }

        assertEquals(MAX_ROUTES + 1, TestCollectors.count(collector,
                "SELECT COUNT(DISTINCT route) FROM rollup_minute WHERE service_name = 'sprayer'"));
        assertEquals(10_000 - MAX_ROUTES, TestCollectors.count(collector,
                "SELECT SUM(call_count) FROM rollup_minute WHERE route = '{overflow}'"));
        assertEquals(10_000, TestCollectors.count(collector, "SELECT SUM(call_count) FROM rollup_minute"));
        String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
        long series = metrics.lines().filter(line -> line.startsWith("http_client_request_duration_seconds_count{"))
                .count();
        assertEquals(MAX_ROUTES + 1, series);
        assertTrue(metrics.contains("callsight_collector_cardinality_overflow_total{kind=\"route\",} "
                + (double) (10_000 - MAX_ROUTES)), metrics);

        // The bound holds across a restart: the stored routes count as known.
        collector.close();
        start();
        send(List.of(point("users.internal", "/search/after-restart")));
        assertEquals(MAX_ROUTES + 1, TestCollectors.count(collector,
                "SELECT COUNT(DISTINCT route) FROM rollup_minute WHERE service_name = 'sprayer'"));
    }

    @Test
    void uniquePeersFoldIntoOverflowPeer() {
        start();
        List<HistogramDataPoint> points = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            points.add(point("host-" + i + ".example", "/health"));
        }
        send(points);
        assertEquals(MAX_PEERS + 1, TestCollectors.count(collector,
                "SELECT COUNT(DISTINCT server_address) FROM rollup_minute WHERE service_name = 'sprayer'"));
        assertEquals(300 - MAX_PEERS, TestCollectors.count(collector,
                "SELECT SUM(call_count) FROM rollup_minute WHERE server_address = '{overflow}' AND server_port = 0"));
    }

    @Test
    void uniqueErrorTypesFoldIntoOther() {
        start();
        List<HistogramDataPoint> points = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            points.add(point("users.internal", "/health").toBuilder()
                    .addAttributes(Otlp.attr("error.type", "java.io.IOException: connection " + i)).build());
        }
        send(points);
        assertEquals(101, TestCollectors.count(collector,
                "SELECT COUNT(DISTINCT error_type) FROM rollup_minute WHERE service_name = 'sprayer'"));
        assertEquals(200, TestCollectors.count(collector,
                "SELECT SUM(call_count) FROM rollup_minute WHERE error_type = '_OTHER'"));
    }

    @Test
    void uniqueSpanNamesStopGrowingTheOperationList() throws Exception {
        start();
        for (int batch = 0; batch < 3; batch++) {
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = batch * 500 + i;
                spans.add(Otlp.clientSpan(String.format("%032x", n + 1), String.format("%016x", n + 1), 200)
                        .toBuilder().setName("GET /search/q-" + n).build());
            }
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                    Otlp.traces("sprayer", spans.toArray(Span[]::new)).toByteArray()).statusCode());
        }
        assertEquals(1500, collector.spanStore().spanCount());
        // The operation list is read from the search index, which sees acknowledged spans about a second later.
        Eventually.until(() -> collector.spanStore().operations("sprayer").size() == 1000, "1000 operations listed",
                () -> collector.spanStore().operations("sprayer").size() + " listed", Duration.ofSeconds(30));
    }

    @Test
    void identifierShapedSegmentsCollapse() {
        start();
        send(List.of(point("users.internal", "/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301/orders/12345"),
                point("users.internal", "/users/6ba7b810-9dad-11d1-80b4-00c04fd430c8/orders/987"),
                point("users.internal", "/mail/jane.doe@example.com"),
                point("users.internal", "/mail/john@example.org"),
                point("users.internal", "/reports/2026-01-31"),
                point("users.internal", "/reports/2025-12-01T10:15:30Z"),
                point("users.internal", "/files/a3f9c1d2e4b5a6978877"),
                point("users.internal", "/sessions/eyJhbGciOiJIUzI1NiJ9Abc123")));
        assertEquals(4, TestCollectors.count(collector, "SELECT COUNT(DISTINCT route) FROM rollup_minute WHERE route IN "
                + "('/users/{id}/orders/{id}', '/mail/{id}', '/reports/{id}', '/files/{id}')"));
        assertEquals(1, TestCollectors.count(collector,
                "SELECT COUNT(*) FROM rollup_minute WHERE route = '/sessions/{id}'"));
        assertEquals(5, TestCollectors.count(collector, "SELECT COUNT(DISTINCT route) FROM rollup_minute"));
    }

    @Test
    void spanKeepsOpenTelemetrysDefaultAttributeLimitAndCutsLongValues() {
        start();
        String traceId = "5b8efff798038103d269b633813fc60c";
        Span.Builder span = Otlp.clientSpan(traceId, "eee19b7ec3c1b174", 200).toBuilder()
                .addAttributes(Otlp.attr("long.value", "x".repeat(10_000)));
        for (int i = 0; i < 1000; i++) {
            span.addAttributes(Otlp.attr("extra." + i, i));
        }
        for (int i = 0; i < 300; i++) {
            span.addEvents(Span.Event.newBuilder().setName("event " + i).setTimeUnixNano(Otlp.BASE_NANOS + i));
        }
        assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                Otlp.traces("checkout", span.build()).toByteArray()).statusCode());

        String stored = Http.get(collector.webEndpoint() + "/api/traces/" + traceId).body();
        JsonObject storedSpan = JsonParser.parseString(stored).getAsJsonObject().getAsJsonArray("spans").get(0)
                .getAsJsonObject();
        JsonObject attributes = storedSpan.getAsJsonObject("attributes");
        assertEquals(128, attributes.size());
        String longValue = attributes.get("long.value").getAsString();
        assertEquals(MAX_ATTRIBUTE_LENGTH, longValue.length());
        assertTrue(longValue.endsWith("…[truncated]"), longValue);
        String jaeger = Http.get(collector.webEndpoint() + "/jaeger/api/traces/" + traceId).body();
        assertEquals(128, JsonParser.parseString(jaeger).getAsJsonObject().getAsJsonArray("data").get(0)
                .getAsJsonObject().getAsJsonArray("spans").get(0).getAsJsonObject().getAsJsonArray("logs").size());
    }

    private void send(List<HistogramDataPoint> points) {
        assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                Otlp.metrics("sprayer", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                        points.toArray(HistogramDataPoint[]::new)).toByteArray()).statusCode());
    }

    private static HistogramDataPoint point(String host, String route) {
        List<KeyValue> attributes = List.of(Otlp.attr("http.request.method", "GET"),
                Otlp.attr("server.address", host), Otlp.attr("server.port", 443), Otlp.attr("url.template", route),
                Otlp.attr("http.response.status_code", 200));
        return HistogramDataPoint.newBuilder().setStartTimeUnixNano(Otlp.BASE_NANOS)
                .setTimeUnixNano(Otlp.BASE_NANOS + Otlp.MINUTE_NANOS / 2).addAllExplicitBounds(Otlp.CANONICAL_BOUNDS)
                .addAllAttributes(attributes).addBucketCounts(1).addAllBucketCounts(List.of(0L, 0L, 0L, 0L, 0L, 0L,
                        0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L))
                .setCount(1).setSum(0.001).build();
    }
}
