package dev.callsight.bench;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.ingest.SpanRecordMapper;
import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.bench.soak.SoakLoad;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.JdbcSpanStore;
import dev.callsight.collector.store.spanlog.LogSpanStore;
import dev.callsight.collector.store.spanlog.SpanLogSettings;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The ceilings for span ingest, each span store's own, with no HTTP, decoding or mapping in the time: the spans the
 * ingest benchmark's load maps to, mapped beforehand and given fresh trace IDs per batch.
 *
 * <p>First the span log ({@link LogSpanStore}, the default): {@code WRITERS} threads insert batches as ingest's request
 * threads do, each returning once its batch is durable (group commit), for the time given; then the store is closed,
 * which returns once the indexer has made everything searchable and committed. Prints spans/s acknowledged, spans/s
 * searchable (over the time to the end of the close) and the process's CPU time per span.
 *
 * <p>Then the JDBC table ({@link JdbcSpanStore}) into a new H2 file on the collector's default URL, one transaction
 * per batch as ingest commits them, from one thread: rows/s of store time and the store's CPU time per row; then the
 * same again with the trace and span IDs replaced by ones in insertion order, which shows what the random IDs cost:
 * each new row lands on a different page of the primary key index, and H2 writes every page a transaction changed
 * when it commits.
 *
 * <p>Usage: {@code IngestCeiling DATA_DIR SECONDS BATCH [WRITERS, default 4]}.
 */
public final class IngestCeiling {

    private IngestCeiling() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        int batch = Integer.parseInt(args[2]);
        int writers = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        measureLog(dataDir.resolve("span-log"), seconds, batch, writers);
        measure("jdbc ceiling", dataDir.resolve("random-ids"), seconds, batch, false);
        measure("jdbc, same rows, IDs in insertion order", dataDir.resolve("ordered-ids"), seconds, batch, true);
    }

    private static void measureLog(Path directory, long seconds, int batch, int writers) throws Exception {
        SpanRecordMapper mapper = new SpanRecordMapper(IngestLimits.DEFAULTS.maxAttributeLength());
        List<List<SpanRecord>> mapped = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            mapped.add(mapper.map(new SoakLoad(i).spans(batch)));
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicLong spans = new AtomicLong();
        AtomicLong traces = new AtomicLong();
        LogSpanStore store = LogSpanStore.open(directory, new SpanLogSettings(SpanLogSettings.DEFAULT_RETENTION, 0),
                Clock.systemUTC());
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            running.add(pool.submit(() -> {
                for (int i = writer; System.nanoTime() < deadline; i += writers) {
                    List<SpanRecord> written = withTraceIds(mapped.get(i % mapped.size()), traces.incrementAndGet());
                    store.insert(written);
                    spans.addAndGet(written.size());
                }
                return null;
            }));
        }
        for (Future<?> writer : running) {
            writer.get();
        }
        pool.shutdown();
        long acknowledged = System.nanoTime() - start;
        store.close();
        long searchable = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuStart;
        System.out.printf(Locale.ROOT, "span log ceiling: %,d spans in batches of %d from %d writers, %.0f spans/s "
                + "acknowledged, %.0f spans/s searchable (all after %.1f s), %.1f us of CPU per span%n",
                spans.get(), batch, writers, spans.get() / (acknowledged / 1e9), spans.get() / (searchable / 1e9),
                searchable / 1e9, cpu / 1e3 / spans.get());
    }

    /** The batch as a new trace: the load's trace IDs with their high half replaced by the batch's number. */
    private static List<SpanRecord> withTraceIds(List<SpanRecord> batch, long number) {
        String high = String.format(Locale.ROOT, "%016x", number);
        return batch.stream().map(span -> copy(span, high + span.traceId().substring(16), span.spanId())).toList();
    }

    private static void measure(String label, Path dataDir, long seconds, int batch, boolean orderedIds)
            throws Exception {
        Files.createDirectories(dataDir);
        SoakLoad load = new SoakLoad(0);
        SpanRecordMapper mapper = new SpanRecordMapper(IngestLimits.DEFAULTS.maxAttributeLength());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Database database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir))) {
            JdbcSpanStore store = new JdbcSpanStore(database);
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long storing = 0;
            long cpu = 0;
            long rows = 0;
            while (System.nanoTime() < deadline) {
                List<SpanRecord> mapped = mapper.map(load.spans(batch));
                long first = rows;
                List<SpanRecord> written = orderedIds ? IntStream.range(0, mapped.size())
                        .mapToObj(i -> ordered(mapped.get(i), first + i)).toList() : mapped;
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                database.inTransaction(connection -> {
                    store.insert(connection, written);
                    return null;
                });
                cpu += threads.getCurrentThreadCpuTime() - cpuStart;
                storing += System.nanoTime() - start;
                rows += written.size();
            }
            System.out.printf(Locale.ROOT, "%s: %,d rows in batches of %d, %.0f rows/s of store time, %.1f us of "
                    + "CPU per row%n", label, rows, batch, rows / (storing / 1e9), cpu / 1e3 / rows);
        }
    }

    private static SpanRecord ordered(SpanRecord span, long sequence) {
        return copy(span, String.format(Locale.ROOT, "%032x", sequence + 1),
                String.format(Locale.ROOT, "%016x", sequence + 1));
    }

    private static SpanRecord copy(SpanRecord span, String traceId, String spanId) {
        return new SpanRecord(traceId, spanId, span.parentSpanId(), span.serviceName(),
                span.scopeName(), span.name(), span.kind(), span.startUnixNano(), span.endUnixNano(),
                span.statusCode(), span.statusMessage(), span.httpMethod(), span.serverAddress(), span.serverPort(),
                span.route(), span.httpStatusCode(), span.errorType(), span.resendCount(), span.attributesJson(),
                span.resourceAttributesJson(), span.linksJson(), span.eventsJson());
    }
}
