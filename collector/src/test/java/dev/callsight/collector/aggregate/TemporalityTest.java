package dev.callsight.collector.aggregate;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalityTest {

    private static final long START = Otlp.BASE_NANOS - 3600_000_000_000L;
    private static final long MINUTE_1 = Otlp.BASE_NANOS + 5_000_000_000L;
    private static final long MINUTE_2 = MINUTE_1 + Otlp.MINUTE_NANOS;
    private static final long MINUTE_3 = MINUTE_2 + Otlp.MINUTE_NANOS;

    @TempDir
    Path dataDir;

    @Test
    void cumulativePointsBecomeDeltasAcrossRestartsAndResets() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_1, 200, 2, 3)));
            assertEquals(5, callsIn(collector, MINUTE_1));
        }
        try (Collector collector = TestCollectors.start(dataDir)) {
            // Same stream after a collector restart: only the 3 new calls count.
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_2, 200, 2, 4, 2)));
            assertEquals(5, callsIn(collector, MINUTE_1));
            assertEquals(3, callsIn(collector, MINUTE_2));
            assertEquals(1, bucket(collector, MINUTE_2, "b01"));
            assertEquals(2, bucket(collector, MINUTE_2, "b02"));

            // The same point again (an exporter retry) adds nothing; an older one arriving late is ignored.
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_2, 200, 2, 4, 2)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_1, 200, 2, 3)));
            assertEquals(8, totalCalls(collector));

            // The application restarted: new start time, counted from zero.
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(MINUTE_2, MINUTE_3, 200, 1, 1)));
            assertEquals(2, callsIn(collector, MINUTE_3));
            assertEquals(10, totalCalls(collector));

            assertCount(collector, "200", 10);
        }
    }

    @Test
    void countGoingDownIsAResetAndDeltasAdd() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_1, 500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_2, 500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
            assertEquals(1, callsIn(collector, MINUTE_2));

            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                    Otlp.point(MINUTE_1, MINUTE_3, 200, 4), Otlp.point(MINUTE_1, MINUTE_3, 200, 0, 6)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                    Otlp.point(MINUTE_1, MINUTE_3, 200, 4)));
            assertEquals(14, callsIn(collector, MINUTE_3));
            assertCount(collector, "500", 5);
            assertCount(collector, "200", 14);
        }
    }

    @Test
    void twoProcessesExportingTheSameSeriesAreTwoStreams() {
        long otherStart = START + 1_000_000_000L;
        try (Collector collector = TestCollectors.start(dataDir)) {
            // Two replicas without service.instance.id, their exports interleaved.
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_1, 200, 10)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(otherStart, MINUTE_1, 200, 20)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(START, MINUTE_2, 200, 11)));
            send(collector, Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.point(otherStart, MINUTE_2, 200, 22)));

            assertEquals(30, callsIn(collector, MINUTE_1));
            assertEquals(3, callsIn(collector, MINUTE_2));
            assertCount(collector, "200", 33);
        }
    }

    private static void send(Collector collector, ExportMetricsServiceRequest request) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static long callsIn(Collector collector, long timeNanos) {
        long minute = timeNanos / 1_000_000_000L / 60 * 60;
        return TestCollectors.count(collector,
                "SELECT COALESCE(SUM(call_count), 0) FROM rollup_minute WHERE minute_unix_s = " + minute);
    }

    private static long bucket(Collector collector, long timeNanos, String column) {
        long minute = timeNanos / 1_000_000_000L / 60 * 60;
        return TestCollectors.count(collector,
                "SELECT SUM(" + column + ") FROM rollup_minute WHERE minute_unix_s = " + minute);
    }

    private static long totalCalls(Collector collector) {
        return TestCollectors.count(collector, "SELECT SUM(call_count) FROM rollup_minute");
    }

    private static void assertCount(Collector collector, String status, long expected) {
        String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
        String series = "http_client_request_duration_seconds_count{service_name=\"checkout\","
                + "server_address=\"users.internal\",server_port=\"8443\",http_route=\"/users/{id}\","
                + "http_request_method=\"GET\",http_response_status_code=\"" + status + "\",error_type=\"\",} "
                + expected + ".0";
        assertEquals(true, metrics.contains(series), () -> "missing " + series + " in\n" + metrics);
    }
}
