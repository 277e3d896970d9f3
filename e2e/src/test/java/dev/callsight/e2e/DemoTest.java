package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code java -jar callsight-collector.jar demo}, as a user runs it. */
@Timeout(120)
class DemoTest {

    private static final Pattern METRICS_URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)/metrics");
    static final Pattern UI_URL = Pattern.compile("^callsight web UI: (http://127\\.0\\.0\\.1:\\d+)/ui/$");
    static final String PAGING_SLO = "checkout-availability";

    /**
     * The compressed incident: users from the start, payments failing 5 s later for 5 s. The page fires on the
     * 30m/6h and 5m/1h burn rates and resolves once the good calls after it have brought the bad share below 12 %
     * (6× the 2 % budget), about a minute later.
     */
    static String[] compressedIncident() {
        return new String[] {"--rate", "40", "--incident-at", "5s", "--incident-for", "5s", "--slo-interval", "2s"};
    }

    @Test
    @Timeout(240)
    void theScriptedIncidentPagesAcrossThreeServicesAndResolves() throws Exception {
        List<String> options = new ArrayList<>(List.of("--duration", "5m"));
        options.addAll(List.of(compressedIncident()));
        Process demo = startDemo(options.toArray(String[]::new));
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        try {
            URI web = URI.create(output.await(UI_URL, Duration.ofSeconds(60)).group(1));
            assertTrue(UI_URL.matcher(output.lines().get(0)).find(), () -> "the UI address comes first:\n" + output);
            output.await(Pattern.compile("INCIDENT: payments starts failing"), Duration.ofSeconds(60));

            JsonObject paging = Eventually.get(() -> {
                JsonObject slo = json(web, "/api/slos/" + PAGING_SLO);
                return slo.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean() ? slo : null;
            }, "the page of " + PAGING_SLO + " firing", Duration.ofSeconds(90));
            assertTrue(paging.getAsJsonObject("errorBudget").get("badCalls").getAsLong() > 0, paging::toString);

            // One user's order crosses the three agent JVMs in one trace.
            String failedCharge = Eventually.get(() -> {
                JsonArray found = json(web, "/api/search?service=payments&status=503&limit=1").getAsJsonArray("traces");
                return found.isEmpty() ? null : found.get(0).getAsJsonObject().get("traceId").getAsString();
            }, "a trace of a charge payments answered 503", Duration.ofSeconds(30));
            // Each JVM exports its spans in its own time: wait for the frontend's, which ends last.
            Eventually.get(() -> {
                Set<String> services = new TreeSet<>();
                json(web, "/api/traces/" + failedCharge).getAsJsonArray("spans")
                        .forEach(span -> services.add(span.getAsJsonObject().get("serviceName").getAsString()));
                return services.containsAll(Set.of("frontend", "checkout", "payments")) ? services : null;
            }, "trace " + failedCharge + " with spans of frontend, checkout and payments", Duration.ofSeconds(30));
            // The agent retried, and its circuit breaker opened on payments.
            Eventually.get(() -> json(web, "/api/search?service=checkout&errorType=circuit_open&limit=1")
                    .getAsJsonArray("traces").isEmpty() ? null : true, "a charge refused by the open circuit breaker",
                    Duration.ofSeconds(30));
            Eventually.get(() -> {
                long now = System.currentTimeMillis() / 1000;
                JsonObject checkout = json(web, "/api/calls/series?service=checkout&from=" + (now - 900) + "&to=" + now)
                        .getAsJsonObject("totals");
                return checkout.get("retries").getAsLong() > 0 ? checkout : null;
            }, "checkout's retries counted", Duration.ofSeconds(30));
            // What burned the budget: checkout's own 502s, traced.
            JsonObject breakdown = json(web, "/api/slos/" + PAGING_SLO + "/breakdown");
            assertEquals("502", breakdown.getAsJsonArray("byStatusCode").get(0).getAsJsonObject().get("value").getAsString(),
                    breakdown::toString);

            JsonObject resolved = Eventually.get(() -> {
                JsonObject slo = json(web, "/api/slos/" + PAGING_SLO);
                return slo.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean() ? null : slo;
            }, "the page of " + PAGING_SLO + " resolving", Duration.ofSeconds(150));
            List<String> pageChanges = new ArrayList<>();
            resolved.getAsJsonArray("alertHistory").forEach(event -> {
                JsonObject change = event.getAsJsonObject();
                if (change.get("severity").getAsString().equals("page")) {
                    pageChanges.add(change.get("firing").getAsBoolean() ? "fired" : "resolved");
                }
            });
            assertTrue(pageChanges.contains("fired") && pageChanges.contains("resolved"), pageChanges::toString);
            // The console says so too, for a person watching it.
            output.await(Pattern.compile("PAGE firing: SLO " + PAGING_SLO), Duration.ofSeconds(5));
            output.await(Pattern.compile("page resolved: SLO " + PAGING_SLO), Duration.ofSeconds(10));
            List<ProcessHandle> children = demo.descendants().toList();
            assertEquals(3, children.size(), () -> "frontend, checkout and payments: " + children);
            demo.destroy();
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), () -> "demo did not stop: " + output);
            for (ProcessHandle child : children) {
                assertTrue(child.onExit().get(15, TimeUnit.SECONDS) != null && !child.isAlive(), "left running: " + child);
            }
        } finally {
            // A failed check must not leave the demo and its JVMs running.
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    static JsonObject json(URI web, String path) throws Exception {
        return JsonParser.parseString(get(web, path)).getAsJsonObject();
    }

    @TempDir
    Path dataDir;

    @Test
    void stopsByItselfAfterTheDuration() throws Exception {
        Process demo = startDemo("--duration", "8s");
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        output.await(METRICS_URL, Duration.ofSeconds(60));

        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), () -> "demo did not stop after --duration: " + output);
        assertEquals(0, demo.exitValue(), output::toString);
        output.await(Pattern.compile("^demo stopped"), Duration.ofSeconds(5));
    }

    private Process startDemo(String... options) throws Exception {
        return startDemo(dataDir, options);
    }

    /** {@code java -jar callsight-collector.jar demo} on free ports, storing into {@code dataDir}. */
    static Process startDemo(Path dataDir, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.java().toString(), "-jar", Jvm.collectorJar().toString(),
                "demo", "--otlp-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static String get(URI web, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(web.resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
