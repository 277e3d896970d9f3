package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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

                // Several runs, seconds apart: Prometheus's rate() needs the counters to grow between scrapes.
                for (int run = 0; run < 4; run++) {
                    List<String> calls = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        calls.add("jdk|GET|" + upstream.httpUrl() + (i % 4 == 0 ? "/fail/" : "/ok/") + i);
                    }
                    InstrumentedApp.Result result = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                            InstrumentedApp.exportingTo(collector, "slo-app"), List.of(), calls);
                    assertEquals(0, result.exitCode(), result.describe());
                    Thread.sleep(2000);
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

    private URI startAlertmanager(Path program) throws Exception {
        int port = freePort();
        Path config = workDir.resolve("alertmanager.yml");
        Files.writeString(config, "route: { receiver: nobody }\nreceivers: [ { name: nobody } ]\n");
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

    /** Polls until the answer satisfies the condition, every 500 ms for at most {@link #PATIENCE}. */
    private HttpResponse<String> await(URI uri, Predicate<HttpResponse<String>> condition) throws Exception {
        String last = "no answer";
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (condition.test(response)) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("gave up on " + uri + " after " + PATIENCE + "; last answer: " + last
                + "\nlogs in " + workDir);
    }
}
