package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.e2e.app.SteadyCallingApp;
import dev.callsight.e2e.support.AppResult;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.ProcessOutput;
import dev.callsight.testing.Eventually;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent when its collector misbehaves: down, hanging, slow, throttling, refusing, resetting. A real
 * application JVM with the agent calls a healthy loopback upstream while a {@link FaultyUpstream} plays the
 * collector (each fault is a path, given to the agent as its OTLP endpoints).
 */
@Timeout(240)
class ExporterFaultsTest {

    private static final Pattern DROP_REPORT = Pattern.compile(
            "^(\\S+) \\[callsight\\] the collector did not take telemetry: (\\d+) spans dropped by failed exports, "
                    + "(\\d+) refused with the export queue full, (\\d+) metric points");
    /** The longest the agent lets the exit flush wait, for a collector that answers (CollectorContact). */
    private static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(2);

    @TempDir
    static Path workDir;

    private static FaultyUpstream upstream;
    private static FaultyUpstream fakeCollector;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FaultyUpstream();
        fakeCollector = new FaultyUpstream();
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (fakeCollector != null) {
            fakeCollector.close();
        }
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("refused", ""),
                Arguments.of("hangs", "/hang"),
                Arguments.of("slow", "/slow/2000"),
                Arguments.of("throttles-429", "/throttle/429/1"),
                Arguments.of("unavailable-503", "/throttle/503/1"),
                Arguments.of("rejects-400", "/status/400"),
                Arguments.of("resets", "/reset"));
    }

    @ParameterizedTest(name = "collector {0}")
    @MethodSource("faults")
    void theApplicationsCallsKeepTheirResultsAndItsJvmExitsPromptly(String fault, String collectorPath)
            throws Exception {
        Map<String, String> environment = new HashMap<>(exportingTo(collectorPath, "faults-" + fault));
        int calls = 30;
        String prefix = "/ok/" + fault + "/";

        InstrumentedApp.Result app = InstrumentedApp.run(javaHome(), environment, List.of(), List.of(),
                SteadyCallingApp.class, List.of(upstream.uri(prefix).toString(), Integer.toString(calls), "30"));

        assertEquals(0, app.exitCode(), app::describe);
        assertEquals(calls, app.results().size(), app::describe);
        for (AppResult result : app.results()) {
            assertEquals(200, result.status(), result::toString);
        }
        for (int i = 0; i < calls; i++) {
            assertEquals(1, upstream.requests(prefix + i).size(), "the upstream saw call " + i + " once");
        }
        if (!collectorPath.isEmpty()) {
            assertFalse(fakeCollector.requests(collectorPath + "/traces").isEmpty(), "the agent did try to export");
        }
        // A second of calls and the JVM's and agent's start (slow on a busy machine): the exit must not wait out
        // the exporter's 10 s timeout and retries, nor the batch processor's 30 s.
        assertTrue(app.elapsed().compareTo(Duration.ofSeconds(25)) < 0, app::describe);
    }

    @Test
    void spansBeyondTheQueueAreRefusedCountedAndReportedAtMostOncePerInterval() throws Exception {
        Map<String, String> environment = new HashMap<>(exportingTo("/hang", "faults-queue-full"));
        environment.put("OTEL_BSP_MAX_QUEUE_SIZE", "20");
        environment.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10");
        int calls = 100;
        Duration interval = Duration.ofSeconds(1);

        InstrumentedApp.Result app = InstrumentedApp.run(javaHome(), environment,
                List.of("-Dcallsight.exporter.drop.log.interval.ms=" + interval.toMillis()), List.of(),
                SteadyCallingApp.class, List.of(upstream.uri("/ok/queue-full/").toString(), Integer.toString(calls), "40"));

        assertEquals(0, app.exitCode(), app::describe);
        assertEquals(calls, app.results().size(), app::describe);
        List<Matcher> reports = new ArrayList<>();
        for (String line : app.output()) {
            Matcher report = DROP_REPORT.matcher(line);
            if (report.find()) {
                reports.add(report);
            }
        }
        assertTrue(reports.size() >= 2, () -> "reported more than once over 4 s: " + app.describe());
        // The rate limit runs on the agent's monotonic clock; the printed stamps come a moment later (the
        // first line of a JVM also waits for its string concatenation to bootstrap), so allow half an interval.
        for (int i = 1; i < reports.size(); i++) {
            Duration gap = Duration.between(stamp(reports.get(i - 1)), stamp(reports.get(i)));
            assertTrue(gap.compareTo(interval.dividedBy(2)) >= 0, "reports " + interval + " apart, got " + gap + ": " + app.describe());
        }
        Duration window = Duration.between(stamp(reports.get(0)), stamp(reports.get(reports.size() - 1)));
        assertTrue(reports.size() <= window.toMillis() / interval.toMillis() + 2, app::describe);
        // One batch of at most 10 hangs in its export and 20 wait in the queue: every later span is refused,
        // 70 or more by the end; the last report may come up to a second (25 calls) before the end.
        long refused = reports.stream().mapToLong(report -> Long.parseLong(report.group(3))).max().orElseThrow();
        assertTrue(refused >= 40 && refused <= calls, () -> "spans refused with the queue full: " + refused + "\n" + app.describe());
        assertTrue(app.output().stream().noneMatch(line -> line.contains("Failed to export") || line.contains("Exporter")),
                () -> "the SDK's own per-export warnings stay off the application's stderr: " + app.describe());
    }

    @Test
    void afterA429WithRetryAfterTheNextExportWaitsAtLeastThatLong() throws Exception {
        String traces = "/throttle/429/2/retry-after-traces";
        Map<String, String> environment = new HashMap<>(Map.of(
                "OTEL_SERVICE_NAME", "faults-retry-after",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", fakeCollector.uri(traces).toString(),
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", fakeCollector.uri("/ok/retry-after-metrics").toString(),
                "OTEL_BSP_SCHEDULE_DELAY", "100",
                "OTEL_METRIC_EXPORT_INTERVAL", "500"));

        InstrumentedApp.Result app = InstrumentedApp.run(javaHome(), environment, List.of(), List.of(),
                SteadyCallingApp.class, List.of(upstream.uri("/ok/retry-after/").toString(), "32", "250"));

        assertEquals(0, app.exitCode(), app::describe);
        List<FaultyUpstream.Seen> exports = fakeCollector.requests(traces);
        assertTrue(exports.size() >= 3, () -> "several attempts in 8 s: " + exports.size() + "\n" + app.describe());
        for (int i = 1; i < exports.size(); i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(exports.get(i).arrivalNanos() - exports.get(i - 1).arrivalNanos());
            // Not earlier than Retry-After: 2 asks, less a little for the clocks of two processes.
            assertTrue(gapMillis >= 1_900, "export " + i + " came " + gapMillis + " ms after the 429");
        }
    }

    @Test
    void whenTheCollectorComesBackDataFlowsAgainWithoutRestartingTheApplication() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String service = "faults-comes-back";
        Map<String, String> environment = Map.of(
                "OTEL_SERVICE_NAME", service,
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + port,
                "OTEL_EXPORTER_OTLP_TIMEOUT", "1000",
                "OTEL_BSP_SCHEDULE_DELAY", "100",
                "OTEL_METRIC_EXPORT_INTERVAL", "500");
        String prefix = "/ok/comes-back/";
        int calls = 240;
        Process app = InstrumentedApp.start(true, javaHome(), environment, List.of(), List.of(), SteadyCallingApp.class,
                List.of(upstream.uri(prefix).toString(), Integer.toString(calls), "100"));
        ProcessOutput output = ProcessOutput.follow(app, "comes-back-app");
        try {
            output.await(DROP_REPORT, Duration.ofSeconds(30));
            try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("comes-back"), port)) {
                int seenAtStart = seenCalls(prefix, calls);
                String laterTrace = Eventually.get(() -> {
                    int seen = seenCalls(prefix, calls);
                    return seen > seenAtStart ? traceId(upstream.requests(prefix + (seen - 1)).get(0)) : null;
                }, "a call after the collector started", Duration.ofSeconds(30));
                Eventually.get(() -> collector.spans(laterTrace).isEmpty() ? null : true,
                        "the span of a call made after the collector came back", Duration.ofSeconds(30));
                double dropped = Eventually.get(() -> {
                    double total = collector.total("callsight_agent_exporter_dropped_total", service,
                            Map.of("signal", "spans", "reason", "export_failed"));
                    return total > 0 ? total : null;
                }, "the agent's count of spans it dropped while the collector was down, on /metrics", Duration.ofSeconds(30));
                assertTrue(dropped > 0);
                Eventually.get(() -> collector.total("http_client_request_duration_seconds_count", service, Map.of()) > 0
                        ? true : null, "the call counts of " + service, Duration.ofSeconds(30));
            }
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the application ends on its own");
            assertEquals(0, app.exitValue(), output::toString);
            assertEquals(calls, output.lines().stream().filter(line -> line.startsWith("result|") && line.contains("|200|")).count(),
                    output::toString);
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void withAHangingCollectorTheJvmExitsAboutAsPromptlyAsWithoutTheAgent() throws Exception {
        Map<String, String> environment = exportingTo("/hang", "faults-exit");
        List<String> arguments = List.of(upstream.uri("/ok/exit/").toString(), "20", "10");

        Duration without = timeToExit(false, environment, arguments);
        Duration with = timeToExit(true, environment, arguments);

        assertFalse(fakeCollector.requests("/hang/traces").isEmpty(), "the agent did try to export");
        // The agent's start, plus at most its exit flush, plus room for a shared machine.
        Duration allowed = without.plus(SHUTDOWN_FLUSH).plusSeconds(5);
        assertTrue(with.compareTo(allowed) < 0, "with the agent " + with.toMillis() + " ms, without " + without.toMillis() + " ms");
    }

    private static Duration timeToExit(boolean withAgent, Map<String, String> environment, List<String> arguments)
            throws Exception {
        long start = System.nanoTime();
        Process process = InstrumentedApp.start(withAgent, javaHome(), environment, List.of(), List.of(),
                SteadyCallingApp.class, arguments);
        ProcessOutput output = ProcessOutput.follow(process, withAgent ? "with-agent" : "without-agent");
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output::toString);
        assertEquals(0, process.exitValue(), output::toString);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Instant stamp(Matcher report) {
        return Instant.parse(report.group(1));
    }

    private static int seenCalls(String prefix, int calls) {
        int seen = 0;
        while (seen < calls && !upstream.requests(prefix + seen).isEmpty()) {
            seen++;
        }
        return seen;
    }

    private static String traceId(FaultyUpstream.Seen request) {
        return request.traceparent().split("-")[1];
    }

    /** Both signals to {@code path + "/traces"} and {@code "/metrics"} on the fake collector, or to a closed port when empty. */
    private static Map<String, String> exportingTo(String path, String service) throws Exception {
        if (path.isEmpty()) {
            int closed;
            try (ServerSocket free = new ServerSocket(0)) {
                closed = free.getLocalPort();
            }
            return Map.of("OTEL_SERVICE_NAME", service, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + closed,
                    "OTEL_BSP_SCHEDULE_DELAY", "100", "OTEL_METRIC_EXPORT_INTERVAL", "200");
        }
        return Map.of("OTEL_SERVICE_NAME", service,
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", fakeCollector.uri(path + "/traces").toString(),
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", fakeCollector.uri(path + "/metrics").toString(),
                "OTEL_BSP_SCHEDULE_DELAY", "100",
                "OTEL_METRIC_EXPORT_INTERVAL", "200");
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
