package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.ProcessOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Benchmarks are not tests: this only runs each script in bench/ on a tiny input, as a user would from the
 * repository root, and checks that it finishes and reports what it is for. The figures are not looked at. The
 * fuzzing script is left out: its targets replay their inputs in every build; the soak command is SoakTest's. Since
 * the figures do not matter, it runs beside the other classes (and after the demo's browser test, in the same lane).
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(E2eLanes.SECOND)
class BenchmarksTest {

    @TempDir
    Path temp;

    @Test
    void agentOverheadComparesEveryClientWithAndWithoutEachAgent() throws Exception {
        String output = run(300, "agent-overhead.sh", "1", "200", "0", "1,2", "1", "100", "0.01");
        assertMatches(output, "traces sampled at 0.01");
        for (String client : List.of("jdk-httpclient", "httpurlconnection", "apache-httpclient5", "okhttp")) {
            for (String mode : List.of("none", "none-timeouts", "callsight", "callsight-policy", "otel")) {
                assertMatches(output, "(?m)^" + client + " +" + mode + " +[\\d.]+ +[\\d.]+ +[\\d.]+$");
            }
            for (int threads : new int[] {1, 2}) {
                assertMatches(output, "(?m)^" + client + " +" + threads + " +\\d+( +\\d+ +[\\d.]+){4}$");
            }
        }
        assertMatches(output, "(?m)^okhttp +caller_cpu_us( +-?[\\d.]+){5}$");
        assertMatches(output, "(?m)^jit_ms ");
        assertMatches(output, "JVM start to exit \\(median of 1\\): none \\d+ ms, callsight \\d+ ms \\(\\+-?\\d+, ratio [\\d.]+\\)");
        assertMatches(output, "heap in use after GC at the end");
    }

    @Test
    void agentProfileSortsTheAgentsSamplesIntoTheStepsOfACall() throws Exception {
        String output = run(180, "agent-profile.sh", "okhttp", "2000", "1", "500", "all");
        assertMatches(output, "(?m)^call loop .*: okhttp 2000 ");
        for (String step : List.of("start", "span-serialisation", "export-metrics", "span-sending", "export-spans",
                "span-creation", "span-attributes", "span-end", "histogram", "header-injection", "context-extraction",
                "policy-engine", "call-site-cache", "glue")) {
            assertMatches(output, "(?m)^" + step + " +[\\d.]+ +\\d+$");
        }
        assertMatches(output, "(?m)^agent samples [1-9]\\d* of [1-9]\\d*$");
    }

    @Test
    void agentAllocCountsWhatEachCallAllocatesByAgentFrame() throws Exception {
        String output = run(180, "agent-alloc.sh", "okhttp", "1", "all", "5", "3");
        assertMatches(output, "(?m)^calls [1-9]\\d*$");
        assertMatches(output, "(?m)^bytes per call: all [1-9]\\d*, under agent frames [1-9]\\d*$");
        // One logical call object per call, allocated where a call begins.
        assertMatches(output, "(?m)^ +[\\d.]+  dev\\.callsight\\.agent\\.core\\.client\\.LogicalCall "
                + "@ core\\.client\\.OutboundCalls\\.begin$");
    }

    @Test
    void agentStartupComparesTwoJars() throws Exception {
        String jar = Jvm.agentJar().toString();
        assertMatches(run(120, "agent-startup.sh", jar, jar, "1"), "median: baseline \\d+ ms, candidate \\d+ ms");
    }

    @Test
    void startupToExitComparesEachAgentAgainstEachCollectorState() throws Exception {
        String output = run(180, "startup-exit.sh", "1");
        assertMatches(output, "median of 1: none \\d+ ms, callsight-healthy \\d+ ms \\(\\+-?\\d+\\), callsight-down \\d+ ms "
                + "\\(\\+-?\\d+\\), callsight-hanging \\d+ ms \\(\\+-?\\d+\\), otel-healthy \\d+ ms \\(\\+-?\\d+\\), otel-down "
                + "\\d+ ms \\(\\+-?\\d+\\), otel-hanging \\d+ ms \\(\\+-?\\d+\\)");
        assertMatches(output, "median of 1, two calls first thing: none \\d+ ms, two-calls-callsight \\d+ ms "
                + "\\(\\+-?\\d+\\), two-calls-otel \\d+ ms \\(\\+-?\\d+\\)");
    }

    @Test
    void agentHeapIsMeasuredWithTheCollectorDown() throws Exception {
        String output = run(120, "agent-heap.sh", "4", "2", "2", "2");
        assertMatches(output, "(?m)^callsight heap \\d+ \\d+ \\d+$");
        assertMatches(output, "agent heap with the collector down: max \\+-?[\\d.]+ MiB, at the end \\(\\d+ s\\) "
                + "\\+-?[\\d.]+ MiB over no agent's max [\\d.]+ MiB; calls/s none [1-9]\\d*, callsight [1-9]\\d*");
    }

    @Test
    void bootStartupComparesARealServiceWithAndWithoutEachAgent() throws Exception {
        assertMatches(run(180, "boot-startup.sh", "1"),
                "median over 1 rounds: none [\\d.]+ s, callsight [\\d.]+ s \\(\\+-?\\d+ ms\\), otel [\\d.]+ s");
    }

    @Test
    void ingestReportsTheCeilingAndASustainedRateWithNothingLost() throws Exception {
        // Exit 2: memory grew by the soak's measure, which a run this short, warm-up and all, may show.
        String output = run(300, Set.of(0, 2), "ingest.sh", "3s", "2", "50", "1");
        assertMatches(output, "span log ceiling: [\\d,]+ spans in batches of 50 from 4 writers, \\d+ spans/s acknowledged");
        assertMatches(output, "jdbc ceiling: [\\d,]+ rows in batches of 50, \\d+ rows/s");
        assertMatches(output, "sustained into --span-store jdbc");
        assertMatches(output, "soak: done after \\d+ s: \\d+ spans sent");
        assertMatches(output, "soak: stored \\d+ spans after the collector stopped: no acknowledged span lost");
    }

    @Test
    void queriesTimeEveryQueryOverAStoreItFilled() throws Exception {
        String output = run(300, "queries.sh", "1", "10", "2,4", "500", "5");
        for (String query : List.of("slo-evaluation", "red-1h", "red-24h", "red-7d", "call-sites",
                "ui-search-1h-service", "ui-search-24h-peer", "ui-search-24h-route", "ui-search-24h-status",
                "ui-search-24h-error-type", "ui-search-24h-min-duration", "ui-search-24h-tag",
                "ui-search-7d-error-type", "ui-search-30d-route-status", "ui-search-30d-tag-min-duration",
                "ui-search-30d-no-match", "jaeger-search-1h-operation", "jaeger-search-24h-peer",
                "jaeger-search-24h-route", "jaeger-search-24h-status", "jaeger-search-24h-error-type",
                "jaeger-search-24h-min-duration", "jaeger-search-7d-tag", "jaeger-search-30d-tag-min-duration",
                "jaeger-search-30d-no-match", "trace", "jaeger-trace", "slo-list", "slo-detail")) {
            assertMatches(output, "(?m)^result query=" + query + " days=1 routes=10 slos=\\d+ spans=500 "
                    + "p50_ms=[\\d.]+ p99_ms=[\\d.]+$");
        }
        assertMatches(output, "result query=slo-evaluation days=1 routes=10 slos=2 ");
        assertMatches(output, "result query=slo-evaluation days=1 routes=10 slos=4 ");
        assertMatches(output, "(?m)^filled 500 spans over 1 days in [\\d.]+ s: [\\d.]+ MiB on disk in \\d+ hour "
                + "partitions$");
        assertMatches(output, "(?m)^collector started on the store in [\\d.]+ s; open files ");
    }

    @Test
    void growthDrawsItsChart() throws Exception {
        Path chart = temp.resolve("growth.png");
        String output = run(420, "growth.sh", "1", "20", "2", "1000", "1", "300", chart.toString());
        assertMatches(output, "(?m)^ingest ceiling=\\d+$");
        assertMatches(output, "(?m)^ingest offered=1000 acknowledged=\\d+$");
        assertMatches(output, "\\| red-24h \\| 20 \\| \\d+ \\|");
        byte[] png = Files.readAllBytes(chart);
        assertTrue(png.length > 10_000, "a chart, not an empty image: " + png.length + " bytes");
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void collectorFaultsCompareEveryStateWithAHealthyCollector() throws Exception {
        String output = run(300, "collector-faults.sh", "1", "200", "100", "0");
        for (String state : List.of("healthy", "down", "hanging", "slow", "429", "503", "400", "reset")) {
            assertMatches(output, "(?m)^\\S+ +" + state + " +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +\\d+ +[\\d.]+$");
        }
        assertMatches(output, "added by the agent: healthy \\+-?[\\d.]+ MiB, down \\+-?[\\d.]+ MiB");
    }

    @Test
    void ingestDurabilityComparesTheTwoWriteDelays() throws Exception {
        String output = run(180, "ingest-durability.sh", "1", "3", "2", "20");
        assertMatches(output, "write-delay-0 \\(default\\) +batches/s=[1-9]\\d*");
        assertMatches(output, "write-delay-500 +batches/s=[1-9]\\d*");
    }

    /** Runs bench/SCRIPT with the arguments from the repository root; returns its output once it exited 0. */
    private static String run(int limitSeconds, String script, String... args) throws Exception {
        return run(limitSeconds, Set.of(0), script, args);
    }

    private static String run(int limitSeconds, Set<Integer> exits, String script, String... args) throws Exception {
        Path bench = Jvm.bench();
        List<String> command = new ArrayList<>(List.of("bash", bench.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(bench.getParent().toFile()).redirectErrorStream(true)
                .start();
        ProcessOutput output = ProcessOutput.follow(process, script);
        try {
            assertTrue(process.waitFor(limitSeconds, TimeUnit.SECONDS), () -> script + " ran past "
                    + limitSeconds + " s:\n" + output);
            assertTrue(exits.contains(process.exitValue()), () -> script + " failed, exit " + process.exitValue()
                    + ":\n" + output);
            // The reader thread may still hold the last lines when the process has exited.
            return String.join("\n", output.allLines(Duration.ofSeconds(10)));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void assertMatches(String output, String regex) {
        assertTrue(Pattern.compile(regex).matcher(output).find(), () -> "no match for " + regex + " in:\n" + output);
    }
}
