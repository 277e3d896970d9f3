package dev.callsight.bench.soak;

import dev.callsight.collector.DurationConverter;
import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.SpanStoreKind;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak}: a steady OTLP load from concurrent senders into a collector started from its jar, with a progress
 * line every interval and a verdict on whether the collector's heap and resident memory stayed flat.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Start a collector from its jar, send it a steady load of OTLP spans and duration metrics from "
                + "concurrent senders for a while, print progress (spans/s sent and acknowledged, metric points/s, "
                + "collector heap after a full GC, anonymous RSS), count the spans in its store once it has stopped, and end "
                + "with a verdict on whether every acknowledged span was stored and its memory stayed flat. Exit "
                + "status 0: every span acknowledged and stored, memory flat; 1: something not acknowledged or "
                + "lost; 2: memory grew.")
public final class SoakCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakCommand()).execute(args));
    }

    @Option(names = "--duration", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long to send (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--senders", defaultValue = "4", description = "Concurrent senders (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = "--rate", defaultValue = "2000", description = "Spans per second, all senders together; 0: as "
            + "fast as the collector acknowledges them (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--batch", defaultValue = "100", description = "Spans per request (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--progress", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time between progress lines (default: ${DEFAULT-VALUE}).")
    private Duration progress;

    @Option(names = "--collector-jar", defaultValue = "collector/target/callsight-collector.jar",
            description = "The collector jar to start (default: ${DEFAULT-VALUE}).")
    private Path collectorJar;

    @Option(names = "--span-store", defaultValue = "log",
            description = "The collector's --span-store: log or jdbc (default: ${DEFAULT-VALUE}).")
    private String spanStore;

    @Option(names = "--collector-heap", defaultValue = "512m",
            description = "The collector's -Xmx (default: ${DEFAULT-VALUE}).")
    private String collectorHeap;

    @Override
    public Integer call() throws Exception {
        if (senders < 1 || rate < 0 || batch < 1 || duration.isZero() || progress.isZero()) {
            System.err.println("--senders, --batch, --duration and --progress must be positive, --rate at least 0");
            return 64;
        }
        if (!Files.isRegularFile(collectorJar)) {
            System.err.println("soak starts the collector from its jar, and there is none at " + collectorJar
                    + ": build it (mvn -q -DskipTests package) or give --collector-jar");
            return 64;
        }
        Path jar = collectorJar;
        Path work = Files.createTempDirectory("callsight-soak");
        try {
            Run run;
            SpanStoreKind kind = SpanStoreKind.of(spanStore);
            try (CollectorChild collector = CollectorChild.start(jar, work.resolve("data"), collectorHeap,
                    work.resolve("collector.log"), "--span-store", kind.label())) {
                run = soak(collector, work);
            }
            return verdict(run, storedSpans(work.resolve("data"), kind));
        } finally {
            deleteTree(work);
        }
    }

    /** What the senders did and what the collector's memory was on each beat. */
    private record Run(SoakSender.Counters counters, List<Long> heaps, List<Long> rsses, boolean alive,
            double seconds) {}

    /** Spans in the stopped collector's store, read back to check that nothing acknowledged was lost. */
    private static long storedSpans(Path dataDir, SpanStoreKind kind) throws SQLException {
        CollectorConfig config = CollectorConfig.builder().dataDir(dataDir).spanStore(kind).build();
        try (Database database = Database.open(config.jdbcUrl());
                SpanStore spans = Collector.openSpanStore(config, database)) {
            return spans.spanCount();
        }
    }

    private Run soak(CollectorChild collector, Path work) throws Exception {
        System.out.printf("soak: collector pid %d at %s (-Xmx%s, --span-store %s, log %s); %d senders, %d spans/s in "
                        + "batches of %d, for %s%n", collector.pid(), collector.otlp(), collectorHeap, spanStore,
                work.resolve("collector.log"), senders, rate, batch, duration);
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
        long lastPoints = 0;
        long lastNanos = start;
        long tick = start;
        while (System.nanoTime() < end && collector.isAlive()) {
            // On a fixed beat: sampling the collector's memory takes a moment of its own.
            tick = Math.min(tick + progress.toNanos(), end);
            TimeUnit.NANOSECONDS.sleep(Math.max(1, tick - System.nanoTime()));
            long now = System.nanoTime();
            long sent = counters.spansSent.get();
            long acknowledged = counters.spansAcknowledged.get();
            long points = counters.metricPointsAcknowledged.get();
            double seconds = (now - lastNanos) / 1e9;
            OptionalLong heap = memory.heapAfterGc();
            OptionalLong rss = memory.rss();
            heap.ifPresent(heaps::add);
            rss.ifPresent(rsses::add);
            System.out.printf("soak: %5d s  sent %7.0f spans/s  acknowledged %7.0f spans/s  %5.0f metric points/s  "
                            + "refused %d  failed %d  heap after GC %s  anon RSS %s%n",
                    TimeUnit.NANOSECONDS.toSeconds(now - start), (sent - lastSent) / seconds,
                    (acknowledged - lastAcknowledged) / seconds, (points - lastPoints) / seconds,
                    counters.refusals.get(), counters.spansFailed.get(), mib(heap), mib(rss));
            lastSent = sent;
            lastAcknowledged = acknowledged;
            lastPoints = points;
            lastNanos = now;
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        return new Run(counters, heaps, rsses, collector.isAlive(), (System.nanoTime() - start) / 1e9);
    }

    private static int verdict(Run run, long stored) {
        SoakSender.Counters counters = run.counters();
        long sent = counters.spansSent.get();
        long acknowledged = counters.spansAcknowledged.get();
        MemoryTrend heap = MemoryTrend.of(run.heaps());
        MemoryTrend rss = MemoryTrend.of(run.rsses());
        boolean allAcknowledged = run.alive() && acknowledged == sent && counters.metricRequestsFailed.get() == 0;
        boolean noneLost = stored >= acknowledged;
        boolean flat = heap.flat() && rss.flat();
        System.out.printf("soak: done after %.0f s: %d spans sent, %d acknowledged (%.0f/s), %d refusals retried, "
                        + "%d failed; %d metric points acknowledged (%.0f/s), %d of %d metric requests failed; "
                        + "collector %s%n",
                run.seconds(), sent, acknowledged, acknowledged / run.seconds(), counters.refusals.get(),
                counters.spansFailed.get(), counters.metricPointsAcknowledged.get(),
                counters.metricPointsAcknowledged.get() / run.seconds(), counters.metricRequestsFailed.get(),
                counters.metricRequests.get(), run.alive() ? "still up" : "DIED");
        System.out.printf("soak: stored %d spans after the collector stopped: %s%n", stored,
                noneLost ? "no acknowledged span lost" : (acknowledged - stored) + " ACKNOWLEDGED SPANS LOST");
        System.out.printf("soak: heap after GC %s, anon RSS %s (median of the earlier and the later half after warm-up)%n",
                heap.describe(), rss.describe());
        System.out.printf("soak: verdict: %s, memory %s%n",
                allAcknowledged && noneLost ? "everything acknowledged and stored" : "NOT everything acknowledged and stored",
                flat ? "flat" : "GREW (heap " + (heap.flat() ? "flat" : "grew") + ", anon RSS " + (rss.flat() ? "flat" : "grew") + ")");
        return !(allAcknowledged && noneLost) ? 1 : flat ? 0 : 2;
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format("%.1f MiB", MemoryTrend.mib(bytes.getAsLong())) : "n/a";
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
