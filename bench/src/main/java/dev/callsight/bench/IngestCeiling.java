package dev.callsight.bench;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.ingest.SpanRecordMapper;
import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.bench.soak.SoakLoad;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The ceiling for span ingest: the rows the ingest benchmark's load maps to, written by the collector's own
 * {@link SpanStore} straight into a new H2 file on the collector's default URL, one transaction per batch as
 * ingest commits them, from one thread, with no HTTP, decoding or mapping in the time. Prints rows/s of store time
 * and the store's CPU time per row; then the same again with the trace and span IDs replaced by ones in insertion
 * order, which shows what the random IDs cost: each new row lands on a different page of the primary key index,
 * and H2 writes every page a transaction changed when it commits.
 *
 * <p>Usage: {@code IngestCeiling DATA_DIR SECONDS BATCH}.
 */
public final class IngestCeiling {

    private IngestCeiling() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        int batch = Integer.parseInt(args[2]);
        measure("ceiling", dataDir.resolve("random-ids"), seconds, batch, false);
        measure("same rows, IDs in insertion order", dataDir.resolve("ordered-ids"), seconds, batch, true);
    }

    private static void measure(String label, Path dataDir, long seconds, int batch, boolean orderedIds)
            throws Exception {
        Files.createDirectories(dataDir);
        SoakLoad load = new SoakLoad(0);
        SpanRecordMapper mapper = new SpanRecordMapper(IngestLimits.DEFAULTS.maxAttributeLength());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Database database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir))) {
            SpanStore store = new SpanStore(database.dialect());
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
        return new SpanRecord(String.format(Locale.ROOT, "%032x", sequence + 1),
                String.format(Locale.ROOT, "%016x", sequence + 1), span.parentSpanId(), span.serviceName(),
                span.scopeName(), span.name(), span.kind(), span.startUnixNano(), span.endUnixNano(),
                span.statusCode(), span.statusMessage(), span.httpMethod(), span.serverAddress(), span.serverPort(),
                span.route(), span.httpStatusCode(), span.errorType(), span.resendCount(), span.attributesJson(),
                span.resourceAttributesJson(), span.linksJson(), span.eventsJson());
    }
}
