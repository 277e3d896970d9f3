package dev.callsight.collector.serve;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** The JSON the web UI's Calls and Traces pages read, and the UI files themselves, over a real collector. */
@ParameterizedClass
@ArgumentsSource(TestStores.class)
class WebUiApiTest {

    private static final long BASE_S = Otlp.BASE_NANOS / 1_000_000_000L;
    private static final long HALF_MINUTE = 30_000_000_000L;
    private static final String OK_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String FAILED_TRACE = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final String ROUTE = "&peer=users.internal:8443&route=" + URLEncoder.encode("/users/{id}",
            StandardCharsets.UTF_8);

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
    void callSeriesHasRatesErrorsPercentilesRetriesAndTimeoutsPerStep() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            long end = Otlp.BASE_NANOS + HALF_MINUTE;
            post(collector, "/v1/metrics", Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                    Otlp.point(Otlp.BASE_NANOS, end, 200, 0, 0, 0, 8),
                    Otlp.point(Otlp.BASE_NANOS, end, 503, 0, 0, 0, 2)).toByteArray());
            post(collector, "/v1/metrics", Otlp.metrics("checkout",
                    Otlp.counter("callsight.http.client.retries", AGGREGATION_TEMPORALITY_DELTA,
                            Otlp.count(Otlp.BASE_NANOS, end, 3, Otlp.attr("reason", "503"), Otlp.attr("source", "agent"))),
                    Otlp.counter("callsight.http.client.timeouts", AGGREGATION_TEMPORALITY_DELTA,
                            Otlp.count(Otlp.BASE_NANOS, end, 1, Otlp.attr("kind", "read"), Otlp.attr("mode", "enforce"))))
                    .toByteArray());

            JsonObject series = get(collector, "/api/calls/series?service=checkout" + ROUTE + "&from=" + BASE_S
                    + "&to=" + (BASE_S + 120), 200);
            assertEquals(60, series.get("stepSeconds").getAsLong());
            JsonArray points = series.getAsJsonArray("points");
            assertEquals(2, points.size());
            JsonObject first = points.get(0).getAsJsonObject();
            assertEquals(BASE_S, first.get("t").getAsLong());
            assertEquals(10, first.get("calls").getAsLong());
            assertEquals(2, first.get("errors").getAsLong());
            assertEquals(0.2, first.get("errorRatio").getAsDouble(), 1e-9);
            assertEquals(10 / 60.0, first.get("ratePerSecond").getAsDouble(), 1e-9);
            // All ten in the (25 ms, 50 ms] bucket: the median is halfway through it.
            assertEquals(0.0375, first.get("p50").getAsDouble(), 1e-9);
            assertEquals(0.04875, first.get("p95").getAsDouble(), 1e-9);
            assertEquals(3, first.get("retries").getAsLong());
            assertEquals(1, first.get("timeouts").getAsLong());
            JsonObject empty = points.get(1).getAsJsonObject();
            assertEquals(0, empty.get("calls").getAsLong());
            assertFalse(empty.has("p99"), "no latency without calls");
            assertEquals(10, series.getAsJsonObject("totals").get("calls").getAsLong());
            assertEquals(3, series.getAsJsonObject("totals").get("retries").getAsLong());

            assertEquals(0, get(collector, "/api/calls/series?service=checkout&peer=other:1&from=" + BASE_S
                    + "&to=" + (BASE_S + 120), 200).getAsJsonObject("totals").get("calls").getAsLong());
            assertTrue(get(collector, "/api/calls/series?peer=x:1", 400).get("error").getAsString().contains("service"));
            assertTrue(get(collector, "/api/calls/series?service=checkout&peer=nonsense", 400).get("error")
                    .getAsString().contains("host:port"));
        }
    }

    @Test
    void longRangesReadFoldedHoursThenTheMinutesAfterThem() throws Exception {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            long threeDaysAgo = Otlp.BASE_NANOS - 3 * 86_400 * 1_000_000_000L;
            long twoHoursAgo = Otlp.BASE_NANOS - 2 * 3_600 * 1_000_000_000L;
            for (long[] calls : new long[][] {{threeDaysAgo, 10}, {twoHoursAgo, 5}, {Otlp.BASE_NANOS, 2}}) {
                post(collector, "/v1/metrics", Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_DELTA,
                        Otlp.point(calls[0], calls[0] + HALF_MINUTE, 200, 0, 0, 0, calls[1])).toByteArray());
            }
            // Folds the hours before the last one, as the SLO loop would have by then (it may have folded some).
            try (Database database = Database.open(collector.jdbcUrl())) {
                database.inTransaction(c -> new RollupStore().downsampleHours(c, BASE_S - 3_600));
                assertTrue(database.inTransaction(new RollupStore()::foldedUntil).orElseThrow() > BASE_S - 2 * 3_600);
            }

            JsonObject week = get(collector, "/api/calls/series?service=checkout" + ROUTE + "&from="
                    + (BASE_S - 7 * 86_400 + 1_234) + "&to=" + (BASE_S + 60), 200);
            assertEquals(3_600, week.get("stepSeconds").getAsLong());
            assertEquals(17, week.getAsJsonObject("totals").get("calls").getAsLong());
            JsonArray points = week.getAsJsonArray("points");
            long start = week.get("from").getAsLong();
            assertEquals(0, start % 3_600, "hour steps start on the hour");
            for (long[] expected : new long[][] {{BASE_S - 3 * 86_400, 10}, {BASE_S - 2 * 3_600, 5}, {BASE_S, 2}}) {
                JsonObject point = points.get((int) ((expected[0] - start) / 3_600)).getAsJsonObject();
                assertEquals(expected[0], point.get("t").getAsLong());
                assertEquals(expected[1], point.get("calls").getAsLong(), "calls in the hour at " + expected[0]);
            }
            JsonObject day = get(collector, "/api/calls/series?service=checkout" + ROUTE + "&from="
                    + (BASE_S - 86_400) + "&to=" + (BASE_S + 60), 200);
            assertEquals(3_600, day.get("stepSeconds").getAsLong());
            assertEquals(7, day.getAsJsonObject("totals").get("calls").getAsLong());
            JsonObject quarterDay = get(collector, "/api/calls/series?service=checkout" + ROUTE + "&from="
                    + (BASE_S - 6 * 3_600) + "&to=" + (BASE_S + 60), 200);
            assertEquals(120, quarterDay.get("stepSeconds").getAsLong(), "six hours are read minute by minute");
            assertEquals(7, quarterDay.getAsJsonObject("totals").get("calls").getAsLong());
        }
    }

    @Test
    void searchFiltersByEveryCriterion() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            Span failed = Otlp.clientSpan(FAILED_TRACE, "00f067aa0ba90202", 503).toBuilder()
                    .addAttributes(Otlp.attr("error.type", "503")).addAttributes(Otlp.attr("http.request.resend_count", 2))
                    .setEndTimeUnixNano(Otlp.BASE_NANOS + 250_000_000).build();
            post(collector, "/v1/traces", Otlp.traces("checkout", Otlp.clientSpan(OK_TRACE, "00f067aa0ba90201", 200),
                    failed).toByteArray());
            TestCollectors.awaitSearchable(collector, "checkout", OK_TRACE, FAILED_TRACE);
            String window = "&from=" + (BASE_S - 10) + "&to=" + (BASE_S + 60);

            assertEquals(2, search(collector, "service=checkout" + ROUTE + window).size());
            JsonArray byStatus = search(collector, "service=checkout&status=503" + window);
            assertEquals(1, byStatus.size());
            JsonObject found = byStatus.get(0).getAsJsonObject();
            assertEquals(FAILED_TRACE, found.get("traceId").getAsString());
            assertEquals("users.internal:8443", found.get("peer").getAsString());
            assertEquals(2, found.get("resendCount").getAsInt());
            assertEquals(250_000_000L, found.get("durationNanos").getAsLong());
            assertEquals(FAILED_TRACE, search(collector, "errorType=503" + window).get(0).getAsJsonObject()
                    .get("traceId").getAsString());
            assertEquals(1, search(collector, "minDurationMs=100" + window).size());
            JsonArray byAttribute = search(collector, "tag=http.request.resend_count%3D2&tag=span.kind%3Dclient"
                    + window);
            assertEquals(1, byAttribute.size());
            assertEquals(FAILED_TRACE, byAttribute.get(0).getAsJsonObject().get("traceId").getAsString());
            assertEquals(0, search(collector, "tag=http.request.resend_count%3D3" + window).size());
            assertTrue(get(collector, "/api/search?tag=resend", 400).get("error").getAsString().contains("key=value"));
            assertEquals(0, search(collector, "service=billing" + window).size());
            assertEquals(0, search(collector, "service=checkout&from=" + (BASE_S + 60) + "&to=" + (BASE_S + 120)).size());
            assertTrue(get(collector, "/api/search?status=abc", 400).get("error").getAsString().contains("status"));
        }
    }

    @Test
    void uiFilesAndChartLibraryComeFromTheJarUnderAStrictPolicy() {
        try (Collector collector = TestCollectors.start(dataDir, jdbcUrl)) {
            HttpResponse<String> root = Http.get(collector.webEndpoint() + "/");
            assertEquals(302, root.statusCode());
            assertTrue(root.headers().firstValue("Location").orElse("").endsWith("/ui/"));
            HttpResponse<String> page = Http.get(collector.webEndpoint() + "/ui/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
            assertTrue(page.body().contains("app.js"), page.body());
            HttpResponse<String> script = Http.get(collector.webEndpoint() + "/ui/app.js");
            assertEquals(200, script.statusCode());
            assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"));
            HttpResponse<String> chart = Http.get(collector.webEndpoint() + "/ui/lib/uPlot.iife.min.js");
            assertEquals(200, chart.statusCode());
            assertTrue(chart.body().contains("uPlot"));
            assertEquals(200, Http.get(collector.webEndpoint() + "/ui/lib/uPlot.min.css").statusCode());
            assertFalse(get(collector, "/api/ui-config", 200).has("jaegerUi"), "no Jaeger UI configured");
        }
    }

    private static JsonArray search(Collector collector, String query) {
        return get(collector, "/api/search?" + query, 200).getAsJsonArray("traces");
    }

    private static void post(Collector collector, String path, byte[] body) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + path, "application/x-protobuf", body);
        assertEquals(200, response.statusCode(), response.body());
    }

    private static JsonObject get(Collector collector, String path, int status) {
        HttpResponse<String> response = Http.get(collector.webEndpoint() + path);
        assertEquals(status, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
