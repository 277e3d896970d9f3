package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.Programs;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
import dev.callsight.testing.Eventually;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes the collector with the collector's own generated rules loaded, while a JVM with the
 * agent calls an upstream that fails one call in four. Prometheus's recorded error ratio must match the
 * collector's within {@link #TOLERANCE}, and the page alert must fire in Prometheus, in the collector, and in a real
 * Alertmanager the collector pushes to. The standard windows are used: a 25 % failure rate burns a 99 % SLO at 25x,
 * so the 1h/5m page condition holds as soon as both windows hold a few minutes' calls.
 */
@Timeout(240)
class SloPrometheusTest {

    /** Absolute difference allowed between the two 5m error ratios (each about 0.25). */
    private static final double TOLERANCE = 0.02;
    private static final String SLO = "upstream-availability";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void prometheusAndTheCollectorAgreeAndBothPage() throws Exception {
        Path prometheus = Programs.require("prometheus", "prometheus");
        Path alertmanagerProgram = Programs.require("prometheus-alertmanager", "prometheus-alertmanager");
        TestCertificate certificate = TestCertificate.create(workDir);
        try (RecordingServer upstream = new RecordingServer(certificate.serverContext())) {
            URI alertmanager = startAlertmanager(alertmanagerProgram);
            Path slos = workDir.resolve("slos.yaml");
            Files.writeString(slos, """
                    slos:
                      - name: %s
                        selector: { service: slo-app, peer: "%s" }
                        sli: success
                        target: 99%%
                        window: 30d
                        alerting: { minEvents: 50 }
                    """.formatted(SLO, upstream.httpUrl().replace("http://", "")));
            try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("collector-data"),
                    "--slos", slos.toString(), "--slo-interval", "2s", "--alertmanager", alertmanager.toString())) {
                URI prometheusUri = startPrometheus(prometheus, collector);

                // Several runs with a scrape between each: Prometheus's rate() needs the counters to grow between scrapes.
                for (int run = 0; run < 4; run++) {
                    List<AppCall> calls = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        calls.add(AppCall.of("jdk", "GET", upstream.httpUrl() + (i % 4 == 0 ? "/fail/" : "/ok/") + i));
                    }
                    InstrumentedApp.Result result = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                            InstrumentedApp.exportingTo(collector, "slo-app"), List.of(), calls);
                    assertEquals(0, result.exitCode(), result.describe());
                    // The next run once Prometheus has scraped what this one exported, twice (its scrape interval is
                    // 1 s): rate() over few samples of series that start mid-window extrapolates them unevenly.
                    awaitResult(prometheusUri, String.format(java.util.Locale.ROOT, "timestamp(up) > %.3f",
                            System.currentTimeMillis() / 1000.0 + 2));
                }

                // An app's last export can miss the exit on a busy machine, so the test waits for enough calls, not all.
                JsonObject collectorSlo = awaitJson(collector.web().resolve("/api/slos/" + SLO), body ->
                        body.has("calls") && body.get("calls").getAsLong() >= 100
                                && body.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean());
                JsonObject fiveMinutes = collectorSlo.getAsJsonObject("burnRates").getAsJsonObject("5m");
                double collectorRatio = fiveMinutes.get("badCalls").getAsDouble() / fiveMinutes.get("calls").getAsDouble();
                assertEquals(0.25, collectorRatio, 0.03, "one call in four fails");

                JsonArray recorded = awaitResult(prometheusUri,
                        "callsight:slo_error_ratio:rate5m{slo=\"" + SLO + "\"} > 0");
                double prometheusRatio = recorded.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsDouble();
                System.out.println("5m error ratio: collector " + collectorRatio + ", Prometheus " + prometheusRatio);
                assertEquals(collectorRatio, prometheusRatio, TOLERANCE,
                        "Prometheus's recorded 5m error ratio against the collector's");

                awaitResult(prometheusUri, "ALERTS{alertname=\"CallsightSloErrorBudgetBurn\",slo=\"" + SLO
                        + "\",severity=\"page\",alertstate=\"firing\"}");
                JsonArray pushed = awaitArray(alertmanager.resolve("/api/v2/alerts?filter="
                        + URLEncoder.encode("slo=\"" + SLO + "\"", StandardCharsets.UTF_8)), alerts -> alerts
                        .asList().stream().anyMatch(alert -> alert.getAsJsonObject().getAsJsonObject("labels")
                                .get("severity").getAsString().equals("page")));
                assertEquals(collector.web().resolve("/api/slos/" + SLO).toString(),
                        pushed.get(0).getAsJsonObject().get("generatorURL").getAsString());
            }
        }
    }

    /**
     * The caller's view with a real agent: every call fails once with a 503 and succeeds on the agent's retry. Per
     * attempt, half the events are bad; per call (callsight.client.call.duration), none are, as the application got
     * a 200 every time.
     */
    @Test
    void perCallSlosCountWhatTheApplicationGot() throws Exception {
        try (FaultyUpstream upstream = new FaultyUpstream()) {
            Path slos = workDir.resolve("slos.yaml");
            String peer = upstream.uri("/").getAuthority();
            Files.writeString(slos, """
                    slos:
                      - name: attempts
                        selector: { service: caller-app, peer: "%1$s" }
                        sli: success
                        target: 99%%
                        window: 30d
                      - name: calls
                        selector: { service: caller-app, peer: "%1$s" }
                        per: call
                        sli: success
                        target: 99%%
                        window: 30d
                    """.formatted(peer));
            Path policy = workDir.resolve("policy.yaml");
            Files.writeString(policy, """
                    policies:
                      - match: { host: 127.0.0.1 }
                        retry: { maxAttempts: 3, initialBackoff: 5ms, on: [503] }
                    """);
            try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("collector-data"),
                    "--slos", slos.toString(), "--slo-interval", "1s")) {
                List<AppCall> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(AppCall.of("jdk", "GET", upstream.uri("/fail-then-ok/1/call-" + i)));
                }
                InstrumentedApp.Result result = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                        InstrumentedApp.exportingTo(collector, "caller-app"), List.of("-Dcallsight.config=" + policy),
                        calls);
                assertEquals(0, result.exitCode(), result.describe());

                // An app's last export can miss the exit on a busy machine, so the test waits for most calls, not all.
                JsonObject perCall = awaitJson(collector.web().resolve("/api/slos/calls"),
                        body -> body.get("calls").getAsLong() >= 8);
                assertEquals(1.0, perCall.get("sliRatio").getAsDouble(), "every call ended in a 200");
                JsonObject perAttempt = awaitJson(collector.web().resolve("/api/slos/attempts"),
                        body -> body.get("calls").getAsLong() >= 16);
                assertEquals(0.5, perAttempt.get("sliRatio").getAsDouble(), 0.07, "every call's first attempt failed");
                System.out.println("per attempt: " + perAttempt.get("calls") + " events, SLI "
                        + perAttempt.get("sliRatio") + "; per call: " + perCall.get("calls") + " events, SLI "
                        + perCall.get("sliRatio"));
            }
        }
    }

    /**
     * The collector pushes an SLO's four burn tiers to a real Alertmanager configured with the shipped inhibit rules:
     * the page reaches the receiver, the tickets are inhibited (never delivered), and when the SLO stops burning
     * (its target lowered in the file, which the collector re-reads) every alert resolves and the receiver hears
     * the page resolve. Calls are sent as OTLP/JSON histogram points stamped now, so every burn window holds them.
     */
    @Test
    void aTicketIsInhibitedWhileItsPageFiresAndBothResolve() throws Exception {
        Path alertmanagerProgram = Programs.require("prometheus-alertmanager", "prometheus-alertmanager");
        List<JsonObject> delivered = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            delivered.add(JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)).getAsJsonObject());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String inhibitRules = Files.readString(Jvm.dashboards().resolve("alertmanager/inhibit-rules.yml"));
            URI alertmanager = startAlertmanager(alertmanagerProgram, """
                    route:
                      receiver: hook
                      group_by: [alertname, slo, severity]
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: hook
                        webhook_configs: [ { url: "http://127.0.0.1:%d/hook", send_resolved: true } ]
                    """.formatted(receiver.getAddress().getPort()) + inhibitRules);
            Path slos = workDir.resolve("slos.yaml");
            String slo = """
                    slos:
                      - name: inhibited
                        selector: { service: inhibit-app, peer: "payments.internal:443" }
                        sli: success
                        target: 99%
                        window: 30d
                        alerting: { minEvents: 10 }
                    """;
            Files.writeString(slos, slo);
            try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("collector-data"),
                    "--slos", slos.toString(), "--slo-interval", "1s", "--alertmanager", alertmanager.toString())) {
                long now = System.currentTimeMillis() * 1_000_000L;
                HttpResponse<String> sent = collector.postOtlp("/v1/metrics", "application/json",
                        calls(now, 200, 50, 500, 50).getBytes(StandardCharsets.UTF_8));
                assertEquals(200, sent.statusCode(), sent.body());

                // All four tiers fire in Alertmanager; the two tickets are suppressed by the page.
                URI inhibitedAlerts = alertmanager.resolve("/api/v2/alerts?filter="
                        + URLEncoder.encode("slo=\"inhibited\"", StandardCharsets.UTF_8));
                JsonArray alerts = awaitArray(inhibitedAlerts, list -> list.size() == 4 && list.asList().stream()
                        .allMatch(alert -> !alert.getAsJsonObject().getAsJsonObject("status").get("state")
                                .getAsString().equals("unprocessed")));
                for (var element : alerts) {
                    JsonObject alert = element.getAsJsonObject();
                    String tier = alert.getAsJsonObject("labels").get("burn_tier").getAsString();
                    JsonObject status = alert.getAsJsonObject("status");
                    if (tier.startsWith("ticket-")) {
                        assertEquals("suppressed", status.get("state").getAsString(), alert.toString());
                        assertEquals(false, status.getAsJsonArray("inhibitedBy").isEmpty(), alert.toString());
                    } else {
                        assertEquals("active", status.get("state").getAsString(), alert.toString());
                    }
                }
                awaitDelivery(delivered, "firing", "page");

                // Lower the target: nothing burns any more, every tier resolves, the receiver hears the page resolve.
                Files.writeString(slos, slo.replace("99%", "10%"));
                awaitArray(inhibitedAlerts, JsonArray::isEmpty);
                awaitDelivery(delivered, "resolved", "page");
                for (JsonObject message : delivered) {
                    for (var alert : message.getAsJsonArray("alerts")) {
                        assertEquals("page", alert.getAsJsonObject().getAsJsonObject("labels").get("severity")
                                .getAsString(), "an inhibited ticket reached the receiver: " + message);
                    }
                }
            }
        } finally {
            receiver.stop(0);
        }
    }

    /** One OTLP/JSON request: delta histogram points of GET calls to payments.internal:443, status and count pairs. */
    private static String calls(long nowNanos, int... statusAndCount) {
        JsonArray points = new JsonArray();
        for (int i = 0; i < statusAndCount.length; i += 2) {
            int status = statusAndCount[i];
            int count = statusAndCount[i + 1];
            JsonArray attributes = new JsonArray();
            attributes.add(attribute("http.request.method", "stringValue", "GET"));
            attributes.add(attribute("server.address", "stringValue", "payments.internal"));
            attributes.add(attribute("server.port", "intValue", "443"));
            attributes.add(attribute("http.response.status_code", "intValue", Integer.toString(status)));
            if (status >= 500) {
                attributes.add(attribute("error.type", "stringValue", Integer.toString(status)));
            }
            JsonArray buckets = new JsonArray();
            JsonArray bounds = new JsonArray();
            for (double bound : new double[] {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5,
                    10}) {
                bounds.add(bound);
                buckets.add(buckets.isEmpty() ? Integer.toString(count) : "0");
            }
            buckets.add("0");
            JsonObject point = new JsonObject();
            point.add("attributes", attributes);
            point.addProperty("startTimeUnixNano", Long.toString(nowNanos - 1_000_000_000L));
            point.addProperty("timeUnixNano", Long.toString(nowNanos));
            point.addProperty("count", Integer.toString(count));
            point.addProperty("sum", count * 0.001);
            point.add("bucketCounts", buckets);
            point.add("explicitBounds", bounds);
            points.add(point);
        }
        JsonObject histogram = new JsonObject();
        histogram.addProperty("aggregationTemporality", 1);
        histogram.add("dataPoints", points);
        JsonObject metric = new JsonObject();
        metric.addProperty("name", "http.client.request.duration");
        metric.addProperty("unit", "s");
        metric.add("histogram", histogram);
        JsonArray metrics = new JsonArray();
        metrics.add(metric);
        JsonObject scope = new JsonObject();
        scope.add("metrics", metrics);
        JsonArray scopes = new JsonArray();
        scopes.add(scope);
        JsonArray resourceAttributes = new JsonArray();
        resourceAttributes.add(attribute("service.name", "stringValue", "inhibit-app"));
        JsonObject resource = new JsonObject();
        resource.add("attributes", resourceAttributes);
        JsonObject resourceMetrics = new JsonObject();
        resourceMetrics.add("resource", resource);
        resourceMetrics.add("scopeMetrics", scopes);
        JsonArray all = new JsonArray();
        all.add(resourceMetrics);
        JsonObject request = new JsonObject();
        request.add("resourceMetrics", all);
        return request.toString();
    }

    private static JsonObject attribute(String key, String type, String value) {
        JsonObject typed = new JsonObject();
        typed.addProperty(type, value);
        JsonObject attribute = new JsonObject();
        attribute.addProperty("key", key);
        attribute.add("value", typed);
        return attribute;
    }

    /** Waits, for at most {@link #PATIENCE}, for a webhook message of that status and severity. */
    private void awaitDelivery(List<JsonObject> delivered, String status, String severity) throws Exception {
        Eventually.get(() -> delivered.stream().filter(message -> message.get("status").getAsString().equals(status)
                && message.getAsJsonObject("commonLabels").get("severity").getAsString().equals(severity))
                .findFirst().orElse(null), "a " + status + " " + severity + " at the receiver; got " + delivered
                + "; logs in " + workDir, PATIENCE);
    }

    private URI startAlertmanager(Path program) throws Exception {
        return startAlertmanager(program, "route: { receiver: nobody }\nreceivers: [ { name: nobody } ]\n");
    }

    private URI startAlertmanager(Path program, String configuration) throws Exception {
        int port = freePort();
        Path config = workDir.resolve("alertmanager.yml");
        Files.writeString(config, configuration);
        start(List.of(program.toString(), "--config.file=" + config, "--storage.path=" + workDir.resolve("am-data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="), "alertmanager");
        URI uri = URI.create("http://127.0.0.1:" + port);
        awaitStatus(uri.resolve("/-/ready"));
        return uri;
    }

    private URI startPrometheus(Path program, CollectorProcess collector) throws Exception {
        Path rules = workDir.resolve("slo-rules.yml");
        HttpResponse<String> served = collector.get("/api/rules");
        assertEquals(200, served.statusCode(), served.body());
        Files.writeString(rules, served.body());
        int port = freePort();
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                rule_files: [ "%s" ]
                scrape_configs:
                  - job_name: callsight
                    static_configs: [ { targets: [ "%s" ] } ]
                """.formatted(rules, collector.web().getAuthority()));
        start(List.of(program.toString(), "--config.file=" + config, "--storage.tsdb.path=" + workDir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port), "prometheus");
        URI uri = URI.create("http://127.0.0.1:" + port);
        awaitStatus(uri.resolve("/-/ready"));
        return uri;
    }

    private void start(List<String> command, String name) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile()).start();
        processes.add(process);
    }

    /** Asks the OS for a free loopback port; the programs take a fixed port, not 0. */
    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitStatus(URI uri) throws Exception {
        await(uri, response -> response.statusCode() == 200);
    }

    private JsonArray awaitResult(URI prometheus, String query) throws Exception {
        URI uri = prometheus.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response = await(uri, r -> r.statusCode() == 200 && !JsonParser.parseString(r.body())
                .getAsJsonObject().getAsJsonObject("data").getAsJsonArray("result").isEmpty());
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data")
                .getAsJsonArray("result");
    }

    private JsonObject awaitJson(URI uri, Predicate<JsonObject> condition) throws Exception {
        return JsonParser.parseString(await(uri, r -> r.statusCode() == 200
                && condition.test(JsonParser.parseString(r.body()).getAsJsonObject())).body()).getAsJsonObject();
    }

    private JsonArray awaitArray(URI uri, Predicate<JsonArray> condition) throws Exception {
        return JsonParser.parseString(await(uri, r -> r.statusCode() == 200
                && condition.test(JsonParser.parseString(r.body()).getAsJsonArray())).body()).getAsJsonArray();
    }

    /** Polls until the answer satisfies the condition, for at most {@link #PATIENCE}. */
    private HttpResponse<String> await(URI uri, Predicate<HttpResponse<String>> condition) throws Exception {
        String[] last = {"no answer"};
        return Eventually.get(() -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                last[0] = response.statusCode() + " " + response.body();
                return condition.test(response) ? response : null;
            } catch (java.io.IOException e) {
                last[0] = e.toString();
                return null;
            }
        }, "an answer from " + uri, () -> "last answer: " + last[0] + "\nlogs in " + workDir, PATIENCE);
    }
}
