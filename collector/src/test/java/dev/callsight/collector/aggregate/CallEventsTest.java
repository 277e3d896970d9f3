package dev.callsight.collector.aggregate;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** The agent's policy counters and breaker gauge, posted as OTLP protobuf, in H2 and on /metrics. */
@ParameterizedClass
@ArgumentsSource(TestStores.class)
class CallEventsTest {

    private static final String RETRIES = "callsight.http.client.retries";
    private static final String TIMEOUTS = "callsight.http.client.timeouts";
    private static final String REJECTIONS = "callsight.http.client.rejections";
    private static final long START = Otlp.BASE_NANOS - 3600_000_000_000L;
    private static final long MINUTE_1 = Otlp.BASE_NANOS + 5_000_000_000L;
    private static final long MINUTE_2 = MINUTE_1 + Otlp.MINUTE_NANOS;
    private static final long MINUTE_3 = MINUTE_2 + Otlp.MINUTE_NANOS;
    private static final long MINUTE_4 = MINUTE_3 + Otlp.MINUTE_NANOS;
    private static final String SITE = "service_name=\"checkout\",server_address=\"users.internal\","
            + "server_port=\"8443\",http_route=\"/users/{id}\",http_request_method=\"GET\",";

    @Parameter
    TestStore store;

    @TempDir
    Path dataDir;

    private String jdbcUrl;

    @BeforeEach
    void newStore() {
        jdbcUrl = store.newJdbcUrl(dataDir);
    }

    @Test
    void cumulativeRetriesBecomeMinuteDeltasThroughLatePointsResetsAndRestarts() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            send(collector, retries(START, MINUTE_1, 2));
            send(collector, retries(START, MINUTE_2, 5));
            // An exporter retry of the first point arriving late adds nothing.
            send(collector, retries(START, MINUTE_1, 2));
            assertEquals(2, eventsIn(collector, "retries", MINUTE_1));
            assertEquals(3, eventsIn(collector, "retries", MINUTE_2));
            assertEquals(1, TestCollectors.count(collector, "SELECT COUNT(*) FROM call_event_minute WHERE "
                    + "call_event = 'retries' AND cause = '503' AND qualifier = 'agent' AND server_port = 8443 "
                    + "AND route = '/users/{id}' AND http_method = 'GET' AND minute_unix_s = " + minute(MINUTE_2)));
            assertMetric(collector, "callsight_http_client_retries_total{" + SITE + "reason=\"503\",source=\"agent\",} 5.0");
        }
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            // The stream's last point survived the restart; then the count goes down: a reset, counted from zero.
            assertMetric(collector, "callsight_http_client_retries_total{" + SITE + "reason=\"503\",source=\"agent\",} 5.0");
            send(collector, retries(START, MINUTE_3, 6));
            send(collector, retries(START, MINUTE_4, 4));
            assertEquals(1, eventsIn(collector, "retries", MINUTE_3));
            assertEquals(4, eventsIn(collector, "retries", MINUTE_4));
            assertMetric(collector, "callsight_http_client_retries_total{" + SITE + "reason=\"503\",source=\"agent\",} 10.0");
        }
    }

    @Test
    void deltaTimeoutsAndCumulativeRejectionsAddUpPerLabel() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            NumberDataPoint deadline = Otlp.count(MINUTE_1, MINUTE_2, 2, Otlp.attr("kind", "deadline"),
                    Otlp.attr("mode", "observe"));
            send(collector, Otlp.metrics("checkout", Otlp.counter(TIMEOUTS, AGGREGATION_TEMPORALITY_DELTA, deadline,
                    Otlp.count(MINUTE_1, MINUTE_2, 1, Otlp.attr("kind", "connect"), Otlp.attr("mode", "enforce")))));
            send(collector, Otlp.metrics("checkout", Otlp.counter(TIMEOUTS, AGGREGATION_TEMPORALITY_DELTA,
                    deadline.toBuilder().setTimeUnixNano(MINUTE_3).setAsInt(3).build())));
            send(collector, Otlp.metrics("checkout", Otlp.counter(REJECTIONS, AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.count(START, MINUTE_2, 4, Otlp.attr("reason", "circuit_open")))));
            send(collector, Otlp.metrics("checkout", Otlp.counter(REJECTIONS, AGGREGATION_TEMPORALITY_CUMULATIVE,
                    Otlp.count(START, MINUTE_3, 7, Otlp.attr("reason", "circuit_open")))));

            assertEquals(3, eventsIn(collector, "timeouts", MINUTE_2));
            assertEquals(3, eventsIn(collector, "timeouts", MINUTE_3));
            assertEquals(3, eventsIn(collector, "rejections", MINUTE_3));
            assertEquals(0, TestCollectors.count(collector,
                    "SELECT COUNT(*) FROM call_event_minute WHERE call_event = 'rejections' AND qualifier <> ''"));
            assertMetric(collector, "callsight_http_client_timeouts_total{" + SITE
                    + "kind=\"deadline\",mode=\"observe\",} 5.0");
            assertMetric(collector, "callsight_http_client_timeouts_total{" + SITE
                    + "kind=\"connect\",mode=\"enforce\",} 1.0");
            assertMetric(collector, "callsight_http_client_rejections_total{" + SITE + "reason=\"circuit_open\",} 7.0");
        }
    }

    @Test
    void theNewestBreakerStateWinsAndSurvivesARestart() {
        String series = "callsight_http_client_circuit_breaker_state{service_name=\"checkout\",policy=\"payments\","
                + "upstream=\"payments.internal:443\",} ";
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            send(collector, Otlp.metrics("checkout", Otlp.breakerState("payments", "payments.internal:443", MINUTE_2, 1)));
            // Older than the stored state: a late export must not close the breaker again.
            send(collector, Otlp.metrics("checkout", Otlp.breakerState("payments", "payments.internal:443", MINUTE_1, 0)));
            assertMetric(collector, series + "1.0");
            send(collector, Otlp.metrics("checkout",
                    Otlp.breakerState("payments", "payments.internal:443", MINUTE_3, 2),
                    Otlp.breakerState("payments", "payments.internal:443", MINUTE_2, 0)));
            assertEquals(2, TestCollectors.count(collector, "SELECT state FROM circuit_breaker_state WHERE "
                    + "service_name = 'checkout' AND policy = 'payments' AND upstream = 'payments.internal:443'"));
            assertMetric(collector, series + "2.0");
        }
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            assertMetric(collector, series + "2.0");
        }
    }

    @Test
    void invalidPolicyMetricsAre400AndStoreNothing() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            NumberDataPoint retry = Otlp.count(START, MINUTE_1, 2, Otlp.attr("reason", "503"),
                    Otlp.attr("source", "agent"));
            Metric nonMonotonic = Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE, retry).toBuilder()
                    .setSum(Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE, retry).getSum().toBuilder()
                            .setIsMonotonic(false)).build();
            assertRejected(collector, nonMonotonic, "callsight.http.client.retries must be a monotonic sum");
            assertRejected(collector, Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_UNSPECIFIED, retry),
                    "has no valid aggregation temporality");
            assertRejected(collector, Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE,
                    retry.toBuilder().setAsInt(-1).build()), "is negative");
            assertRejected(collector, Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE,
                    retry.toBuilder().setAsDouble(1.5).build()), "is not a whole number");
            assertRejected(collector, Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE,
                    retry.toBuilder().setTimeUnixNano(0).build()), "has no time_unix_nano");
            assertRejected(collector, Otlp.counter(TIMEOUTS, AGGREGATION_TEMPORALITY_DELTA,
                    Otlp.count(START, MINUTE_1, 1, Otlp.attr("kind", "read"))), "has no mode attribute");
            assertRejected(collector, Otlp.breakerState("payments", "payments.internal:443", MINUTE_1, 3),
                    "is not 0 (closed), 1 (open) or 2 (half-open)");

            assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM call_event_minute"));
            assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM circuit_breaker_state"));
            assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM rollup_minute"));
            assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM cumulative_stream"));
        }
    }

    /** Sends the bad metric beside a valid histogram and a valid counter: the whole request is refused. */
    private static void assertRejected(Collector collector, Metric bad, String message) {
        ExportMetricsServiceRequest request = Otlp.metrics("checkout",
                Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE, Otlp.point(START, MINUTE_1, 200, 1))
                        .getResourceMetrics(0).getScopeMetrics(0).getMetrics(0),
                Otlp.counter(REJECTIONS, AGGREGATION_TEMPORALITY_CUMULATIVE,
                        Otlp.count(START, MINUTE_1, 1, Otlp.attr("reason", "concurrency_limit"))),
                bad);
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("invalid OTLP data: ") && response.body().contains(message),
                response.body());
    }

    private static ExportMetricsServiceRequest retries(long start, long time, long value) {
        return Otlp.metrics("checkout", Otlp.counter(RETRIES, AGGREGATION_TEMPORALITY_CUMULATIVE,
                Otlp.count(start, time, value, Otlp.attr("reason", "503"), Otlp.attr("source", "agent"))));
    }

    private static void send(Collector collector, ExportMetricsServiceRequest request) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static long minute(long timeNanos) {
        return timeNanos / 1_000_000_000L / 60 * 60;
    }

    private static long eventsIn(Collector collector, String event, long timeNanos) {
        return TestCollectors.count(collector, "SELECT COALESCE(SUM(event_count), 0) FROM call_event_minute WHERE "
                + "call_event = '" + event + "' AND service_name = 'checkout' AND minute_unix_s = " + minute(timeNanos));
    }

    private static void assertMetric(Collector collector, String line) {
        String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
        assertTrue(metrics.contains(line), () -> "missing " + line + " in\n" + metrics);
    }
}
