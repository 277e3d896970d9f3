package dev.callsight.collector.store;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

class RestartTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String COUNT_200 = "http_client_request_duration_seconds_count{service_name=\"checkout\","
            + "server_address=\"users.internal\",server_port=\"8443\",http_route=\"/users/{id}\","
            + "http_request_method=\"GET\",http_response_status_code=\"200\",error_type=\"\",} 7.0";

    private static final long MINUTE = 60_000_000_000L;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @ArgumentsSource(TestStores.class)
    void tracesAndMetricsSurviveARestart(TestStore store) throws IOException {
        String jdbcUrl = store.newJdbcUrl(dataDir);
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                    Otlp.traces("checkout", Otlp.clientSpan(TRACE_ID, "00f067aa0ba902b7", 200)).toByteArray())
                    .statusCode());
            // Two minutes in one request and a third in another: the running total adds all three.
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                    Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                            Otlp.point(Otlp.BASE_NANOS, Otlp.BASE_NANOS + 1, 200, 1, 1),
                            Otlp.point(Otlp.BASE_NANOS + MINUTE, Otlp.BASE_NANOS + MINUTE + 1, 200, 2)).toByteArray())
                    .statusCode());
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                    Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                            Otlp.point(Otlp.BASE_NANOS + 2 * MINUTE, Otlp.BASE_NANOS + 2 * MINUTE + 1, 200, 0, 3))
                            .toByteArray()).statusCode());
            collector.close();
            collector.close();
        }
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            assertEquals(200, Http.get(collector.webEndpoint() + "/api/traces/" + TRACE_ID).statusCode());
            String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
            assertTrue(metrics.contains(COUNT_200), metrics);
            // Each listed migration ran once, not again at the restart.
            assertEquals(listedMigrations(), TestCollectors.count(collector, "SELECT COUNT(*) FROM schema_version"));
        }
    }

    private static long listedMigrations() throws IOException {
        try (InputStream list = RestartTest.class.getClassLoader()
                .getResourceAsStream("db/migration/migrations.list")) {
            return new String(list.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
        }
    }
}
