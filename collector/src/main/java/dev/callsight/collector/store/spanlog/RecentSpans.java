package dev.callsight.collector.store.spanlog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Spans acknowledged but not yet searchable in the index, by trace ID, so a trace lookup sees a span as soon as its
 * batch is acknowledged. The indexer makes them searchable about a second later and then lets them go. Chosen over
 * refreshing the index before each lookup: the indexer runs behind the log, so a refresh alone would not find a span
 * it has not read yet, and refreshing per lookup would cut Lucene segments as small as the lookups are frequent.
 */
final class RecentSpans {

    /**
     * Each batch as it came: letting go of what the index made searchable drops whole batches, with no work per span
     * under the lock that ingest takes too. A batch's spans are put by trace only once a lookup asks it.
     */
    private final NavigableMap<LogPosition, Batch> byPosition = new TreeMap<>();
    private LogPosition searchable = LogPosition.START;
    private int spans;
    private long bytes;
    /** Odd while the index is being refreshed and these spans not yet let go: a count then would see some twice. */
    private volatile long generation;

    /** Holds a batch the log has made durable up to {@code position}, unless the index already covers it. */
    synchronized void add(LogPosition position, List<String> traceIds, List<byte[]> encoded) {
        if (!position.after(searchable)) {
            return;
        }
        Batch batch = new Batch(traceIds, encoded);
        byPosition.put(position, batch);
        spans += encoded.size();
        bytes += batch.bytes();
    }

    /** Holds a log record's batch again, as {@link #add(LogPosition, List, List)}. */
    void add(LogPosition position, byte[] payload) {
        List<SpanCodec.Slice> slices = SpanCodec.spans(payload);
        List<String> traceIds = new ArrayList<>(slices.size());
        List<byte[]> encoded = new ArrayList<>(slices.size());
        for (SpanCodec.Slice slice : slices) {
            traceIds.add(slice.traceId());
            encoded.add(slice.copy());
        }
        add(position, traceIds, encoded);
    }

    /** The index went back to {@code position} (its writes were rolled back): batches after it are held again. */
    synchronized void rewind(LogPosition position) {
        if (searchable.after(position)) {
            searchable = position;
        }
    }

    /** The encoded spans of a trace held here, in log order. */
    synchronized List<byte[]> trace(String traceId) {
        List<byte[]> spans = new ArrayList<>();
        for (Batch batch : byPosition.values()) {
            spans.addAll(batch.byTrace().getOrDefault(traceId, List.of()));
        }
        return spans;
    }

    /** The index is about to be refreshed; {@link #searchableUpTo} follows. */
    void refreshing() {
        generation++;
    }

    /** Even and unchanged across a count of these spans and the index's: the two did not overlap. */
    long generation() {
        return generation;
    }

    /** Lets go of every batch up to {@code position}, which searches of the index now see. */
    synchronized void searchableUpTo(LogPosition position) {
        if ((generation & 1) == 1) {
            generation++;
        }
        if (!position.after(searchable)) {
            return;
        }
        searchable = position;
        var covered = byPosition.headMap(position, true);
        for (Batch batch : covered.values()) {
            spans -= batch.encoded().size();
            bytes -= batch.bytes();
        }
        covered.clear();
        notifyAll();
    }

    /**
     * Waits while more than {@code maxBytes} of spans are held, so ingest cannot outrun indexing without bound.
     *
     * @return false when there was still no room after {@code timeoutMillis}
     */
    synchronized boolean awaitRoom(long maxBytes, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (bytes > maxBytes) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized int size() {
        return spans;
    }

    /** A batch's spans; only the store's lock touches one. */
    private static final class Batch {
        private final List<String> traceIds;
        private final List<byte[]> encoded;
        private final long bytes;
        private Map<String, List<byte[]>> byTrace;

        Batch(List<String> traceIds, List<byte[]> encoded) {
            this.traceIds = traceIds;
            this.encoded = encoded;
            long total = 0;
            for (byte[] span : encoded) {
                total += span.length;
            }
            this.bytes = total;
        }

        List<byte[]> encoded() {
            return encoded;
        }

        long bytes() {
            return bytes;
        }

        Map<String, List<byte[]>> byTrace() {
            if (byTrace == null) {
                byTrace = new HashMap<>();
                for (int i = 0; i < traceIds.size(); i++) {
                    byTrace.computeIfAbsent(traceIds.get(i), id -> new ArrayList<>(1)).add(encoded.get(i));
                }
            }
            return byTrace;
        }
    }
}
