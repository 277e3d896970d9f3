package dev.callsight.collector.slo;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import dev.callsight.testing.Eventually;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** A real collector with an SLO file, fed over OTLP, read over its web port, pushing to a local Alertmanager stand-in. */
class SloServeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SLOS = """
            slos:
              - name: users
                selector: { service: checkout, peer: "users.internal:8443" }
                sli: success
                target: 99%
                window: 30d
                alerting: { minEvents: 10 }
            """;

    private static final String FAILED_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dataDir;

    private Path slosFile;
    private Undertow alertmanager;
    private final List<JsonArray> pushed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void alertmanager() throws Exception {
        slosFile = dataDir.resolve("slos.yaml");
        Files.writeString(slosFile, SLOS);
        alertmanager = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new BlockingHandler(exchange -> {
            record(exchange.getRequestPath(), exchange.getInputStream().readAllBytes());
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        })).build();
        alertmanager.start();
    }

    private void record(String path, byte[] body) {
        if (path.equals("/api/v2/alerts")) {
            pushed.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonArray());
        }
    }

    @AfterEach
    void stop() {
        alertmanager.stop();
    }

    @ParameterizedTest
    @ArgumentsSource(TestStores.class)
    void evaluatesAlertsPushesAndReloads(TestStore store) throws Exception {
        String jdbcUrl = store.newJdbcUrl(dataDir);
        long now = System.currentTimeMillis() * 1_000_000L;
        long start = now - 60_000_000_000L;
        try (Collector collector = start(jdbcUrl)) {
            send(collector, Otlp.point(start, now, 200, 50), Otlp.withExemplar(Otlp.point(start, now, 500, 50),
                    FAILED_TRACE, "00f067aa0ba902b7", now - 1_000_000L));
            // The exporting process restarted: its cumulative counts begin again from zero.
            send(collector, Otlp.point(start, now + 1_000_000L, 200, 10));

            JsonObject slo = await(collector, "/api/slos/users", body -> body.get("calls").getAsLong() == 110
                    && body.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean());
            assertEquals(60 / 110.0, slo.get("sliRatio").getAsDouble(), 1e-9);
            assertEquals(1 - 50 / 1.1, slo.getAsJsonObject("errorBudget").get("remainingRatio").getAsDouble(), 1e-9);
            assertEquals(50 / 110.0 / 0.01,
                    slo.getAsJsonObject("burnRates").getAsJsonObject("5m").get("burnRate").getAsDouble(), 1e-9);
            JsonArray history = slo.getAsJsonArray("alertHistory");
            // Every burn tier fired, each an alert of its own.
            assertEquals(4, history.size(), history.toString());
            assertEquals("page", slo.get("state").getAsString());
            JsonObject today = slo.getAsJsonArray("daily").get(0).getAsJsonObject();
            assertEquals(110, today.get("calls").getAsLong());

            String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
            assertTrue(metrics.contains("callsight_slo_alert_firing{slo=\"users\",severity=\"page\",} 1.0"), metrics);
            assertTrue(metrics.contains("callsight_slo_burn_tier_firing{slo=\"users\",burn_tier=\"page-fast\","
                    + "severity=\"page\",} 1.0"), metrics);
            assertTrue(metrics.contains("callsight_slo_no_data{slo=\"users\",} 0.0"), metrics);
            assertTrue(metrics.contains("callsight_slo_target_ratio{slo=\"users\",} 0.99"), metrics);
            assertTrue(metrics.contains("callsight_slo_sli_ratio{slo=\"users\",window=\"30d\",} 0.545454"), metrics);
            assertTrue(metrics.contains("callsight_slo_burn_rate{slo=\"users\",window=\"1h\",} 45.45454"), metrics);

            JsonObject alert = awaitPush(a -> a.getAsJsonObject("labels").get("severity").getAsString().equals("page"));
            assertEquals("CallsightSloErrorBudgetBurn", alert.getAsJsonObject("labels").get("alertname").getAsString());
            assertTrue(alert.getAsJsonObject("labels").get("burn_tier").getAsString().startsWith("page-"),
                    alert.toString());
            assertEquals(collector.webEndpoint() + "/api/slos/users", alert.get("generatorURL").getAsString());

            // What burned the budget: the 500s, all of it, with the trace of one of them.
            JsonObject breakdown = JsonParser.parseString(Http.get(collector.webEndpoint()
                    + "/api/slos/users/breakdown").body()).getAsJsonObject();
            assertEquals(110, breakdown.get("calls").getAsLong(), breakdown.toString());
            JsonObject cause = breakdown.getAsJsonArray("causes").get(0).getAsJsonObject();
            assertEquals(List.of("/users/{id}", "users.internal:8443", "500", "50"), List.of(
                    cause.get("route").getAsString(), cause.get("peer").getAsString(),
                    cause.get("statusCode").getAsString(), cause.get("badCalls").getAsString()), cause.toString());
            assertEquals(50 / 1.1, cause.get("budgetShare").getAsDouble(), 1e-9);
            assertEquals(1.0, cause.get("badShare").getAsDouble());
            assertEquals(FAILED_TRACE, cause.getAsJsonArray("exampleTraceIds").get(0).getAsString());
            assertEquals("500", breakdown.getAsJsonArray("byStatusCode").get(0).getAsJsonObject().get("value")
                    .getAsString());
            assertEquals(404, Http.get(collector.webEndpoint() + "/api/slos/nope/breakdown").statusCode());
            assertEquals(400, Http.get(collector.webEndpoint() + "/api/slos/users/breakdown?from=9&to=8")
                    .statusCode());

            // The burn-down over the window: every call counted once, ending at the budget the SLO has left.
            JsonObject burnDown = JsonParser.parseString(Http.get(collector.webEndpoint()
                    + "/api/slos/users/history").body()).getAsJsonObject();
            long historyCalls = 0;
            long historyBad = 0;
            for (JsonElement point : burnDown.getAsJsonArray("points")) {
                historyCalls += point.getAsJsonObject().get("calls").getAsLong();
                historyBad += point.getAsJsonObject().get("badCalls").getAsLong();
            }
            assertEquals(List.of(110L, 50L), List.of(historyCalls, historyBad), burnDown.toString());
            JsonArray points = burnDown.getAsJsonArray("points");
            assertEquals(1 - 50 / 1.1, points.get(points.size() - 1).getAsJsonObject().get("budgetRemainingRatio")
                    .getAsDouble(), 1e-9, burnDown.toString());
            assertEquals(404, Http.get(collector.webEndpoint() + "/api/slos/nope/history").statusCode());
            JsonObject allHistory = JsonParser.parseString(Http.get(collector.webEndpoint() + "/api/slo-history")
                    .body()).getAsJsonObject().getAsJsonArray("slos").get(0).getAsJsonObject();
            assertEquals(points, allHistory.getAsJsonArray("points"), allHistory.toString());

            // The alerts: every burn tier firing, each with the 500s as its cause and the failed call's trace.
            JsonObject alerts = JsonParser.parseString(Http.get(collector.webEndpoint() + "/api/alerts").body())
                    .getAsJsonObject();
            assertEquals(4, alerts.get("firing").getAsLong(), alerts.toString());
            JsonObject firing = alerts.getAsJsonArray("alerts").get(0).getAsJsonObject();
            assertEquals(List.of("users", "page", "true", "50", "500"), List.of(firing.get("slo").getAsString(),
                    firing.get("severity").getAsString(), firing.get("firing").getAsString(),
                    firing.get("badCalls").getAsString(), firing.getAsJsonObject("topCause").get("statusCode")
                            .getAsString()), firing.toString());
            assertFalse(firing.has("resolvedAt"), firing.toString());
            assertEquals(FAILED_TRACE, firing.getAsJsonArray("exampleTraceIds").get(0).getAsString());
            assertEquals(2, firing.getAsJsonArray("windows").size(), firing.toString());
            assertEquals(400, Http.get(collector.webEndpoint() + "/api/alerts?since=x").statusCode());

            // The route's calls, errors and per-step series.
            JsonObject route = JsonParser.parseString(Http.get(collector.webEndpoint()
                    + "/api/calls/routes?service=checkout").body()).getAsJsonObject().getAsJsonArray("routes").get(0)
                    .getAsJsonObject();
            assertEquals(List.of("client", "users.internal:8443", "/users/{id}", "110", "50"), List.of(
                    route.get("kind").getAsString(), route.get("peer").getAsString(), route.get("route").getAsString(),
                    route.get("calls").getAsString(), route.get("errors").getAsString()), route.toString());
            long seriesCalls = 0;
            for (JsonElement step : route.getAsJsonObject("series").getAsJsonArray("calls")) {
                seriesCalls += step.getAsLong();
            }
            assertEquals(110, seriesCalls, route.toString());
            assertEquals(400, Http.get(collector.webEndpoint() + "/api/calls/routes").statusCode());
            // The failed call's exemplar is an example trace of its minute in the call series.
            String series = Http.get(collector.webEndpoint() + "/api/calls/series?service=checkout").body();
            assertTrue(series.contains("\"exampleTraceIds\":[\"" + FAILED_TRACE + "\"]"), series);

            // The overview: checkout's calls to the peer, which no stored span names a service for.
            JsonObject overview = JsonParser.parseString(Http.get(collector.webEndpoint() + "/api/overview")
                    .body()).getAsJsonObject();
            JsonObject edge = overview.getAsJsonArray("edges").get(0).getAsJsonObject();
            assertEquals(List.of("checkout", "users.internal:8443", "110", "50"), List.of(edge.get("service")
                    .getAsString(), edge.get("peer").getAsString(), edge.get("calls").getAsString(),
                    edge.get("errors").getAsString()), edge.toString());
            assertFalse(edge.has("peerService"), edge.toString());
            assertEquals(50 / 110.0, edge.get("errorRatio").getAsDouble(), 1e-9);
            JsonObject checkout = overview.getAsJsonArray("services").get(0).getAsJsonObject();
            assertEquals(110, checkout.getAsJsonObject("outbound").get("calls").getAsLong(), checkout.toString());
            assertEquals(0, checkout.getAsJsonObject("inbound").get("calls").getAsLong(), checkout.toString());
            assertEquals(400, Http.get(collector.webEndpoint() + "/api/overview?minutes=0").statusCode());

            String rules = Http.get(collector.webEndpoint() + "/api/rules").body();
            assertTrue(rules.contains("record: callsight:slo_error_ratio:rate5m"), rules);

            Files.writeString(slosFile, SLOS + SLOS.replace("slos:\n", "").replace("name: users", "name: users-2"));
            await(collector, "/api/slos", body -> body.getAsJsonArray("slos").size() == 2);
            Files.writeString(slosFile, SLOS.replace("99%", "101%"));
            JsonObject list = await(collector, "/api/slos", body -> body.has("problem"));
            assertTrue(list.get("problem").getAsString().startsWith(slosFile + ":5: 'target'"), list.toString());
            assertEquals(2, list.getAsJsonArray("slos").size());
            Files.writeString(slosFile, SLOS);
            await(collector, "/api/slos", body -> body.getAsJsonArray("slos").size() == 1);
        }
        try (Collector restarted = start(jdbcUrl)) {
            JsonObject slo = await(restarted, "/api/slos/users", body -> body.get("calls").getAsLong() == 110);
            // The alert state survived: still firing, no second "fired" event.
            assertTrue(slo.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean());
            assertEquals(4, slo.getAsJsonArray("alertHistory").size());
        }
    }

    @Test
    void theCallersViewCountsWhatTheApplicationGot() throws Exception {
        Files.writeString(slosFile, SLOS.replace("name: users", "name: users-attempts")
                + SLOS.replace("slos:\n", "").replace("name: users", "name: users-calls")
                        .replace("    sli: success", "    per: call\n    sli: success"));
        long now = System.currentTimeMillis() * 1_000_000L;
        long start = now - 60_000_000_000L;
        try (Collector collector = start(null)) {
            // 50 calls, each failed once with a 503 and succeeded on its retry: 100 attempts, 50 calls, all good.
            send(collector, Otlp.point(start, now, 200, 50), Otlp.point(start, now, 503, 50));
            ExportMetricsServiceRequest calls = Otlp.metrics("checkout", Otlp.metrics("checkout",
                    AGGREGATION_TEMPORALITY_CUMULATIVE, Otlp.point(start, now, 200, 50)).getResourceMetrics(0)
                    .getScopeMetrics(0).getMetrics(0).toBuilder().setName("callsight.client.call.duration").build());
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                    calls.toByteArray()).statusCode());

            JsonObject perCall = await(collector, "/api/slos/users-calls", body -> body.get("calls").getAsLong() == 50);
            assertEquals(1.0, perCall.get("sliRatio").getAsDouble());
            assertEquals("call", perCall.getAsJsonObject("selector").get("per").getAsString());
            assertEquals("client", perCall.getAsJsonObject("selector").get("kind").getAsString());
            JsonObject perAttempt = await(collector, "/api/slos/users-attempts",
                    body -> body.get("calls").getAsLong() == 100);
            assertEquals(0.5, perAttempt.get("sliRatio").getAsDouble());
            assertEquals("attempt", perAttempt.getAsJsonObject("selector").get("per").getAsString());

            String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
            assertTrue(metrics.contains("callsight_client_call_duration_seconds_count{service_name=\"checkout\","
                    + "server_address=\"users.internal\",server_port=\"8443\",http_route=\"/users/{id}\","
                    + "http_request_method=\"GET\",http_response_status_code=\"200\",error_type=\"\",} 50.0"),
                    metrics);
            String rules = Http.get(collector.webEndpoint() + "/api/rules").body();
            assertTrue(rules.contains("callsight_client_call_duration_seconds_count{service_name=\"checkout\""), rules);
            // The call site is listed once, with its attempts.
            JsonObject services = JsonParser.parseString(Http.get(collector.webEndpoint() + "/api/services").body())
                    .getAsJsonObject();
            assertEquals(100, services.getAsJsonArray("services").get(0).getAsJsonObject().get("calls").getAsLong(),
                    services.toString());
        }
    }

    @Test
    void anInvalidSloFileStopsTheStartWithFileLineAndReason() throws Exception {
        Files.writeString(slosFile, SLOS.replace("window: 30d", "window: 30 days"));
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> start(null));
        assertEquals("invalid SLO file " + slosFile + ":6: '30 days' is not a duration such as 500ms, 1.5s, 5m, 1h "
                + "or 30d", error.getMessage());
    }

    private Collector start(String jdbcUrl) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir).jdbcUrl(jdbcUrl)
                .slosFile(slosFile)
                .sloInterval(Duration.ofSeconds(1))
                .alertmanager(URI.create("http://127.0.0.1:" + ((InetSocketAddress) alertmanager.getListenerInfo()
                        .get(0).getAddress()).getPort()))
                .build());
    }

    private static void send(Collector collector, io.opentelemetry.proto.metrics.v1.HistogramDataPoint... points) {
        ExportMetricsServiceRequest request = Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE, points);
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }

    /** Polls a JSON endpoint until the body satisfies the condition, for at most 30 s. */
    private static JsonObject await(Collector collector, String path, Predicate<JsonObject> condition)
            throws Exception {
        String[] last = {""};
        return Eventually.get(() -> {
            HttpResponse<String> response = Http.get(collector.webEndpoint() + path);
            last[0] = response.statusCode() + " " + response.body();
            if (response.statusCode() != 200) {
                return null;
            }
            JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
            return condition.test(body) ? body : null;
        }, "the condition on " + path, () -> "last answer: " + last[0], PATIENCE);
    }

    private JsonObject awaitPush(Predicate<JsonObject> condition) throws Exception {
        return Eventually.get(() -> {
            for (JsonArray push : pushed) {
                for (JsonElement alert : push) {
                    if (condition.test(alert.getAsJsonObject())) {
                        return alert.getAsJsonObject();
                    }
                }
            }
            return null;
        }, "such an alert pushed", () -> "pushed: " + pushed, PATIENCE);
    }
}
