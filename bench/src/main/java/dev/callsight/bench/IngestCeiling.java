package dev.callsight.bench;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.ingest.SpanRecordMapper;
import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.collector.soak.SoakLoad;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The ceiling for span ingest: the rows the ingest benchmark's load maps to, written by the collector's own
 * {@link SpanStore} straight into a new H2 file on the collector's default URL, one transaction per batch as
 * ingest commits them, from one thread, with no HTTP, decoding or mapping in the time. Prints rows/s.
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
        Files.createDirectories(dataDir);
        SoakLoad load = new SoakLoad(0);
        SpanRecordMapper mapper = new SpanRecordMapper(IngestLimits.DEFAULTS.maxAttributeLength());
        try (Database database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir))) {
            SpanStore store = new SpanStore(database.dialect());
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long storing = 0;
            long rows = 0;
            while (System.nanoTime() < deadline) {
                List<SpanRecord> spans = mapper.map(load.spans(batch));
                long start = System.nanoTime();
                database.inTransaction(connection -> {
                    store.insert(connection, spans);
                    return null;
                });
                storing += System.nanoTime() - start;
                rows += spans.size();
            }
            System.out.printf(Locale.ROOT, "ceiling: %,d rows in batches of %d, %.0f rows/s of store time%n", rows,
                    batch, rows / (storing / 1e9));
        }
    }
}
