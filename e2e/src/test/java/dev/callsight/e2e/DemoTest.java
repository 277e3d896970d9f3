package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
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

    @TempDir
    Path dataDir;

    @Test
    void theSampleServiceIsTracedAndCtrlCStopsEverything() throws Exception {
        Process demo = startDemo("--duration", "5m");
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        URI web = URI.create(output.await(METRICS_URL, Duration.ofSeconds(60)).group(1));

        output.await(Pattern.compile("policies from .*checkout-reads"), Duration.ofSeconds(30));
        // The sample service picks its routes at random: wait for the two this test is about.
        Set<String> routes = awaitCheckoutRoutes(web, Set.of("/payments/charge/{id}", "/users/{id}/profile"));
        assertTrue(routes.contains("/users/{id}/profile"), "UUID segments collapse: " + routes);
        String traces = get(web, "/api/traces?service=checkout&limit=1");
        String traceId = JsonParser.parseString(traces).getAsJsonObject().getAsJsonArray("traces").get(0)
                .getAsJsonObject().get("traceId").getAsString();
        assertTrue(get(web, "/api/traces/" + traceId).contains("\"kind\":\"CLIENT\""), "the listed trace opens");
        List<ProcessHandle> children = demo.descendants().toList();
        assertFalse(children.isEmpty(), "the sample service runs in its own JVM");

        demo.destroy();
        assertTrue(demo.waitFor(30, TimeUnit.SECONDS), () -> "demo did not stop: " + output);
        for (ProcessHandle child : children) {
            assertTrue(child.onExit().get(15, TimeUnit.SECONDS) != null && !child.isAlive(), "left running: " + child);
        }
    }

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
        List<String> command = new ArrayList<>(List.of(Jvm.java().toString(), "-jar", Jvm.collectorJar().toString(),
                "demo", "--otlp-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String get(URI web, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(web.resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Set<String> awaitCheckoutRoutes(URI web, Set<String> expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<String> routes = new TreeSet<>();
        while (System.nanoTime() < deadline) {
            String metrics = http.send(HttpRequest.newBuilder(web.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            routes.clear();
            for (PrometheusText.Sample sample : PrometheusText.parse(metrics)) {
                if (sample.name().equals("http_client_request_duration_seconds_count")
                        && "checkout".equals(sample.labels().get("service_name")) && sample.value() > 0) {
                    routes.add(sample.labels().get("http_route"));
                }
            }
            if (routes.containsAll(expected)) {
                return routes;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the demo's checkout service reached " + routes + " within 60 s");
    }
}
