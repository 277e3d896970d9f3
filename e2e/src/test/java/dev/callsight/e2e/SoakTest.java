package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.ProcessOutput;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A quarter-minute run of bench soak ({@code dev.callsight.bench.soak.SoakCommand}) (bench/soak.sh runs the long one): it must report
 * progress, have every span acknowledged and found in the store afterwards, and the collector's memory must not run away (a generous bound; whether
 * it stayed flat is the long soak's verdict to give).
 */
@Timeout(300)
class SoakTest {

    private static final Pattern PROGRESS = Pattern.compile("^soak: +\\d+ s +sent +\\d+ spans/s");
    private static final Pattern DONE = Pattern.compile("^soak: done after \\d+ s: (\\d+) spans sent, (\\d+) acknowledged");
    private static final Pattern STORED = Pattern.compile("^soak: stored (\\d+) spans after the collector stopped: "
            + "no acknowledged span lost");
    private static final Pattern MEMORY = Pattern.compile(
            "^soak: heap after GC ([\\d.]+) MiB -> ([\\d.]+) MiB .*, anon RSS ([\\d.]+) MiB -> ([\\d.]+) MiB");

    @Test
    void aQuarterMinuteOfSteadyLoadIsAcknowledgedAndTheCollectorsMemoryStaysBounded() throws Exception {
        String classPath = Jvm.collectorJar() + java.io.File.pathSeparator + Jvm.bench().resolve("target/classes");
        Process soak = new ProcessBuilder(Jvm.java().toString(), "-cp", classPath, "dev.callsight.bench.soak.SoakCommand",
                "--collector-jar", Jvm.collectorJar().toString(),
                "--duration", "15s", "--rate", "1000", "--senders", "4", "--progress", "3s")
                .redirectErrorStream(true).start();
        ProcessOutput output = ProcessOutput.follow(soak, "soak");
        try {
            assertTrue(soak.waitFor(4, TimeUnit.MINUTES), () -> "soak ran past its quarter minute: " + output);
            // 0: flat; 2: grew by the long soak's measure, which a quarter minute that includes the warm-up may show.
            int exit = soak.exitValue();
            assertTrue(exit == 0 || exit == 2, () -> "exit " + exit + ":\n" + output);
            // Every line, the last ones included, which the reader thread may still hold when the process has exited.
            List<String> lines = output.allLines(Duration.ofSeconds(10));
            assertTrue(lines.stream().filter(line -> PROGRESS.matcher(line).find()).count() >= 5, output::toString);
            Matcher done = output.await(DONE, Duration.ZERO);
            long sent = Long.parseLong(done.group(1));
            assertTrue(sent >= 7_500, () -> "a steady load was sent: " + output);
            assertTrue(done.group(2).equals(done.group(1)), () -> "every span acknowledged: " + output);
            Matcher stored = output.await(STORED, Duration.ZERO);
            assertEquals(done.group(2), stored.group(1), () -> "every acknowledged span stored: " + output);
            Matcher memory = output.await(MEMORY, Duration.ZERO);
            double heapBefore = Double.parseDouble(memory.group(1));
            double heapAfter = Double.parseDouble(memory.group(2));
            double rssBefore = Double.parseDouble(memory.group(3));
            double rssAfter = Double.parseDouble(memory.group(4));
            assertTrue(heapAfter <= 2 * heapBefore + 64, () -> "heap after GC bounded: " + output);
            assertTrue(rssAfter <= 2 * rssBefore + 128, () -> "RSS bounded: " + output);
        } finally {
            // SIGTERM first, so the soak stops the collector it started.
            soak.destroy();
            if (!soak.waitFor(30, TimeUnit.SECONDS)) {
                soak.destroyForcibly();
            }
        }
    }
}
