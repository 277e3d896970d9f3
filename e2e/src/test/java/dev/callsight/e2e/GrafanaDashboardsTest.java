package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.ProcessOutput;
import dev.callsight.e2e.support.Programs;
import dev.callsight.e2e.support.PrometheusText;
import dev.callsight.e2e.support.PromqlReferences;
import dev.callsight.e2e.support.UnansweredPort;
import dev.callsight.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression in the Grafana dashboards is valid (promtool checks them as recording rules) and selects
 * only series a real collector exposes after real traffic from the demo's agent-instrumented service, or that the
 * generated SLO rules record.
 */
@Timeout(180)
class GrafanaDashboardsTest {

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*([a-zA-Z_]\\w*)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    /** A generated recording rule: its name and its labels block. */
    private static final Pattern RECORD = Pattern.compile(
            "(?m)^  - record: (\\S+)\n    expr: .*\n    labels:\n((?:      \\w+: .*\n)*)");
    private static final Pattern RULE_LABEL = Pattern.compile("(?m)^      (\\w+): ");
    /** A data source by UID in a panel or target, or in an Explore link's URL-encoded JSON. */
    private static final Pattern DATASOURCE_UID = Pattern.compile(
            "\"datasource\": \\{[^}]*?\"uid\": \"([^\"]+)\"|datasource%22:%22([^%]+)%22");

    @TempDir
    Path workDir;

    /** A PromQL expression found in a dashboard and where. */
    record Query(String where, String expression) {}

    @Test
    void everyPanelQueryIsValidAndSelectsSeriesTheCollectorExposes() throws Exception {
        Path promtool = Programs.require("promtool", "prometheus");
        List<Query> queries = dashboardQueries();
        assertTrue(queries.size() > 30, "expected the four dashboards' queries, found " + queries.size());

        Path rules = workDir.resolve("dashboard-queries.yml");
        Gson gson = new Gson();
        StringBuilder file = new StringBuilder("groups:\n- name: dashboards\n  rules:\n");
        StringBuilder index = new StringBuilder("rules by dashboard panel:");
        for (int i = 0; i < queries.size(); i++) {
            index.append("\n  dashboard:query").append(i).append(": ").append(queries.get(i).where());
            // A JSON string is a valid YAML double-quoted scalar, so expressions need no escaping of our own.
            file.append("  - record: dashboard:query").append(i).append('\n')
                    .append("    expr: ").append(gson.toJson(queries.get(i).expression())).append('\n');
        }
        Files.writeString(rules, file, StandardCharsets.UTF_8);
        Programs.Run check = Programs.run(List.of(promtool.toString(), "check", "rules", rules.toString()));
        assertEquals(0, check.exitCode(), check.output() + index);
        assertTrue(check.output().contains("SUCCESS: " + queries.size() + " rules found"), check.output() + index);

        Map<String, Set<String>> exposed = exposedSeries();
        List<String> problems = new ArrayList<>();
        Set<String> allLabels = new HashSet<>();
        exposed.values().forEach(allLabels::addAll);
        for (Query query : queries) {
            PromqlReferences references = PromqlReferences.of(query.expression());
            references.selectors().forEach((metric, labels) -> {
                Set<String> known = exposed.get(metric);
                if (known == null) {
                    problems.add(query.where() + ": no series " + metric);
                } else if (!known.containsAll(labels)) {
                    problems.add(query.where() + ": " + metric + " has labels " + known + ", not all of " + labels);
                }
            });
            references.groupingLabels().stream().filter(label -> !allLabels.contains(label))
                    .forEach(label -> problems.add(query.where() + ": no series has label " + label));
        }
        assertEquals(List.of(), problems, "series checked against " + exposed.keySet());
    }

    @Test
    void theScannerFindsMetricsAndLabelsButNotFunctionsOrKeywords() {
        PromqlReferences references = PromqlReferences.of("histogram_quantile(0.99, sum by (le, svc) "
                + "(rate(a_bucket{x=~\"$v|b\",y!=\"\"}[5m] offset 1h))) / on (slo) group_left b:rec:rate5m or vector(1)");
        assertEquals(Map.of("a_bucket", Set.of("x", "y"), "b:rec:rate5m", Set.of()), references.selectors());
        assertEquals(Set.of("le", "svc", "slo"), references.groupingLabels());
    }

    @Test
    void everyDataSourceTheDashboardsNameIsProvisioned() throws Exception {
        Path grafana = Jvm.dashboards().resolve("grafana");
        String datasources = Files.readString(grafana.resolve("provisioning/datasources/callsight.yml"));
        Set<String> provisioned = new TreeSet<>();
        Matcher uid = Pattern.compile("(?m)^\\s+uid: (\\S+)$").matcher(datasources);
        while (uid.find()) {
            provisioned.add(uid.group(1));
        }
        Set<String> used = new TreeSet<>();
        for (Path dashboard : dashboardFiles()) {
            Matcher datasource = DATASOURCE_UID.matcher(Files.readString(dashboard));
            while (datasource.find()) {
                used.add(datasource.group(1) != null ? datasource.group(1) : datasource.group(2));
            }
        }
        Matcher exemplars = Pattern.compile("datasourceUid: (\\S+)").matcher(datasources);
        assertTrue(exemplars.find(), "exemplar trace IDs link to a data source");
        used.add(exemplars.group(1));
        assertEquals(Set.of("callsight-jaeger", "callsight-prometheus"), used);
        assertTrue(provisioned.containsAll(used), "provisioned " + provisioned + ", used " + used);
    }

    /** Every panel target's and every query variable's PromQL, with template variables given concrete values. */
    private static List<Query> dashboardQueries() throws Exception {
        List<Query> queries = new ArrayList<>();
        for (Path dashboard : dashboardFiles()) {
            JsonObject json = JsonParser.parseString(Files.readString(dashboard)).getAsJsonObject();
            String name = dashboard.getFileName().toString();
            for (JsonElement panel : panels(json)) {
                JsonObject p = panel.getAsJsonObject();
                if (!p.has("targets")) {
                    continue;
                }
                for (JsonElement target : p.getAsJsonArray("targets")) {
                    queries.add(new Query(name + " / " + p.get("title").getAsString(),
                            substitute(target.getAsJsonObject().get("expr").getAsString())));
                }
            }
            for (JsonElement variable : json.getAsJsonObject("templating").getAsJsonArray("list")) {
                JsonObject v = variable.getAsJsonObject();
                String definition = v.getAsJsonObject("query").get("query").getAsString();
                Matcher labelValues = LABEL_VALUES.matcher(definition);
                assertTrue(labelValues.matches(), name + ": variable " + v.get("name") + " is not label_values(...)");
                // label_values(selector, label): the selector must be valid and carry the label.
                String selector = substitute(labelValues.group(1));
                String label = labelValues.group(2);
                queries.add(new Query(name + " / $" + v.get("name").getAsString(), "count by (" + label + ") ("
                        + selector + ")"));
            }
        }
        return queries;
    }

    private static List<Path> dashboardFiles() throws Exception {
        try (Stream<Path> files = Files.list(Jvm.dashboards().resolve("grafana/dashboards"))) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Panels at the top and inside collapsed rows. */
    private static List<JsonElement> panels(JsonObject dashboard) {
        List<JsonElement> all = new ArrayList<>();
        for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
            all.add(panel);
            if (panel.getAsJsonObject().has("panels")) {
                panel.getAsJsonObject().getAsJsonArray("panels").forEach(all::add);
            }
        }
        return all;
    }

    /** Grafana's interval variables become a duration; every template variable a regex matching any value. */
    private static String substitute(String expression) {
        Matcher variable = VARIABLE.matcher(expression);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            variable.appendReplacement(out, variable.group(1).startsWith("__") ? "5m" : ".*");
        }
        return variable.appendTail(out).toString();
    }

    /**
     * Metric name to its label names: every sample a collector serves once the demo service has called its flaky
     * upstream (with retries and timeouts) through the agent and a short app has opened a circuit, and the generated
     * SLO recording rules with their labels.
     */
    private Map<String, Set<String>> exposedSeries() throws Exception {
        Path slos = workDir.resolve("slos.yaml");
        Files.writeString(slos, """
                slos:
                  - name: checkout-availability
                    selector: { service: checkout }
                    sli: success
                    target: 99%
                    window: 30d
                """);
        Map<String, Set<String>> series = new LinkedHashMap<>();
        try (UnansweredPort jaeger = new UnansweredPort();
                CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"), "--slos", slos.toString(),
                        "--slo-interval", "1s", "--forward-otlp", "http://127.0.0.1:" + jaeger.port())) {
            Process demo = new ProcessBuilder(Jvm.java().toString(), "-jar", Jvm.collectorJar().toString(),
                    "demo-service", "--rate", "50", "--otlp-endpoint", collector.otlp().toString().replaceAll("/$", ""))
                    .redirectErrorStream(true).start();
            ProcessOutput output = ProcessOutput.follow(demo, "demo-service");
            try {
                openACircuit(collector);
                // Something the receiver refuses, so the rejection counter has a series too.
                assertEquals(400, collector.postOtlp("/v1/traces", "application/x-protobuf", new byte[] {1, 2, 3})
                        .statusCode());
                List<String> wanted = List.of("callsight_http_client_retries_total{",
                        "callsight_http_client_timeouts_total{", "callsight_http_client_rejections_total{",
                        "callsight_http_client_circuit_breaker_state{", "callsight_ingest_rejected_total{",
                        "callsight_slo_sli_ratio{", "http_response_status_code=\"200\"");
                AtomicReference<List<String>> missing = new AtomicReference<>(wanted);
                String metrics;
                try {
                    metrics = Eventually.get(() -> {
                        String body = collector.get("/metrics").body();
                        missing.set(wanted.stream().filter(marker -> !body.contains(marker)).toList());
                        return missing.get().isEmpty() ? body : null;
                    }, "series from the demo service and the breaker app", Duration.ofSeconds(90));
                } catch (AssertionError notSeen) {
                    throw new AssertionError(notSeen.getMessage() + "; missing " + missing.get()
                            + "; demo-service output:\n" + output, notSeen);
                }
                for (PrometheusText.Sample sample : PrometheusText.parse(metrics)) {
                    series.computeIfAbsent(sample.name(), name -> new TreeSet<>()).addAll(sample.labels().keySet());
                }
            } finally {
                demo.destroy();
                if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                    demo.destroyForcibly();
                }
            }
        }
        Matcher record = RECORD.matcher(Files.readString(Jvm.dashboards().resolve("prometheus/slo-rules.yml")));
        while (record.find()) {
            Set<String> labels = new TreeSet<>();
            Matcher label = RULE_LABEL.matcher(record.group(2));
            while (label.find()) {
                labels.add(label.group(1));
            }
            series.put(record.group(1), labels);
        }
        return series;
    }

    /** The demo has no circuit breaker, so a short app opens one: rejections and breaker state get series. */
    private void openACircuit(CollectorProcess collector) throws Exception {
        Path policy = workDir.resolve("breaker.yaml");
        Files.writeString(policy, """
                policies:
                  - match: { host: 127.0.0.1, path: "/status/**" }
                    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 4, window: 30s, openFor: 30s, halfOpenCalls: 1 }
                """);
        try (FaultyUpstream upstream = new FaultyUpstream()) {
            List<AppCall> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(AppCall.of("jdk", "GET", upstream.uri("/status/500/breaker")));
            }
            // A slow call outside the policy keeps the app alive for a periodic export after the rejections, which
            // the last export at exit can miss.
            calls.add(AppCall.of("jdk", "GET", upstream.uri("/slow/1500/after-the-rejections")));
            InstrumentedApp.Result app = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                    InstrumentedApp.exportingTo(collector, "breaker-app"), List.of("-Dcallsight.config=" + policy), calls);
            // The app exits 1 because calls failed; what matters is that the circuit opened.
            assertTrue(app.output().stream().anyMatch(line -> line.contains("CLOSED -> OPEN")), app.describe());
        }
    }
}
