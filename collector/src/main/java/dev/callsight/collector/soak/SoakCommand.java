package dev.callsight.collector.soak;

import dev.callsight.collector.DurationConverter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak}: a steady OTLP load from concurrent senders into a collector started from this jar, with a progress
 * line every interval and a verdict on whether the collector's heap and resident memory stayed flat.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Start a collector from this jar, send it a steady load of OTLP spans and duration metrics from "
                + "concurrent senders for a while, print progress (spans/s sent and acknowledged, collector heap after "
                + "a full GC, RSS) and end with a verdict on whether its memory stayed flat. Exit status 0: every "
                + "span acknowledged and memory flat; 1: something not acknowledged; 2: memory grew.")
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long to send (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--senders", defaultValue = "4", description = "Concurrent senders (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = "--rate", defaultValue = "2000", description = "Spans per second, all senders together (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--batch", defaultValue = "100", description = "Spans per request (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--progress", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time between progress lines (default: ${DEFAULT-VALUE}).")
    private Duration progress;

    @Option(names = "--collector-heap", defaultValue = "512m",
            description = "The collector's -Xmx (default: ${DEFAULT-VALUE}).")
    private String collectorHeap;

    @Override
    public Integer call() throws Exception {
        if (senders < 1 || rate < 1 || batch < 1 || duration.isZero() || progress.isZero()) {
            System.err.println("--senders, --rate, --batch, --duration and --progress must be positive");
            return 64;
        }
        Path jar = thisJar();
        if (jar == null) {
            System.err.println("soak starts the collector from its jar: run it as java -jar callsight-collector.jar soak");
            return 64;
        }
        Path work = Files.createTempDirectory("callsight-soak");
        try (CollectorChild collector = CollectorChild.start(jar, work.resolve("data"), collectorHeap,
                work.resolve("collector.log"))) {
            return soak(collector, work);
        } finally {
            deleteTree(work);
        }
    }

    private int soak(CollectorChild collector, Path work) throws Exception {
        System.out.printf("soak: collector pid %d at %s (-Xmx%s, log %s); %d senders, %d spans/s in batches of %d, for %s%n",
                collector.pid(), collector.otlp(), collectorHeap, work.resolve("collector.log"), senders, rate, batch,
                duration);
        ProcessMemory memory = new ProcessMemory(collector.pid());
        SoakSender.Counters counters = new SoakSender.Counters();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            Thread thread = new Thread(new SoakSender(i, collector.otlp(), http, (double) rate / senders, batch, end,
                    counters), "soak-sender-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        List<Long> heaps = new ArrayList<>();
        List<Long> rsses = new ArrayList<>();
        long lastSent = 0;
        long lastAcknowledged = 0;
        long lastNanos = start;
        long tick = start;
        while (System.nanoTime() < end && collector.isAlive()) {
            // On a fixed beat: sampling the collector's memory takes a moment of its own.
            tick = Math.min(tick + progress.toNanos(), end);
            TimeUnit.NANOSECONDS.sleep(Math.max(1, tick - System.nanoTime()));
            long now = System.nanoTime();
            long sent = counters.spansSent.get();
            long acknowledged = counters.spansAcknowledged.get();
            double seconds = (now - lastNanos) / 1e9;
            OptionalLong heap = memory.heapAfterGc();
            OptionalLong rss = memory.rss();
            heap.ifPresent(heaps::add);
            rss.ifPresent(rsses::add);
            System.out.printf("soak: %5d s  sent %7.0f spans/s  acknowledged %7.0f spans/s  refused %d  failed %d  "
                            + "heap after GC %s  RSS %s%n",
                    TimeUnit.NANOSECONDS.toSeconds(now - start), (sent - lastSent) / seconds,
                    (acknowledged - lastAcknowledged) / seconds, counters.refusals.get(), counters.spansFailed.get(),
                    mib(heap), mib(rss));
            lastSent = sent;
            lastAcknowledged = acknowledged;
            lastNanos = now;
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        return verdict(counters, heaps, rsses, collector.isAlive(), (System.nanoTime() - start) / 1e9);
    }

    private static int verdict(SoakSender.Counters counters, List<Long> heaps, List<Long> rsses, boolean alive,
            double seconds) {
        long sent = counters.spansSent.get();
        long acknowledged = counters.spansAcknowledged.get();
        MemoryTrend heap = MemoryTrend.of(heaps);
        MemoryTrend rss = MemoryTrend.of(rsses);
        boolean allAcknowledged = alive && acknowledged == sent
                && counters.metricRequestsFailed.get() == 0;
        boolean flat = heap.flat() && rss.flat();
        System.out.printf("soak: done after %.0f s: %d spans sent, %d acknowledged (%.0f/s), %d refusals retried, "
                        + "%d failed; %d of %d metric requests failed; collector %s%n",
                seconds, sent, acknowledged, acknowledged / seconds, counters.refusals.get(),
                counters.spansFailed.get(), counters.metricRequestsFailed.get(), counters.metricRequests.get(),
                alive ? "still up" : "DIED");
        System.out.printf("soak: heap after GC %s, RSS %s (median of the earlier and the later half after warm-up)%n",
                heap.describe(), rss.describe());
        System.out.printf("soak: verdict: %s, memory %s%n",
                allAcknowledged ? "everything acknowledged" : "NOT everything acknowledged",
                flat ? "flat" : "GREW (heap " + (heap.flat() ? "flat" : "grew") + ", RSS " + (rss.flat() ? "flat" : "grew") + ")");
        return !allAcknowledged ? 1 : flat ? 0 : 2;
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format("%.1f MiB", MemoryTrend.mib(bytes.getAsLong())) : "n/a";
    }

    private static Path thisJar() throws URISyntaxException {
        Path location = Path.of(SoakCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.toString().endsWith(".jar") ? location : null;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
