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

    private final Map<String, List<byte[]>> byTrace = new HashMap<>();
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
        byPosition.put(position, new Batch(traceIds, encoded));
        for (int i = 0; i < traceIds.size(); i++) {
            byTrace.computeIfAbsent(traceIds.get(i), id -> new ArrayList<>(2)).add(encoded.get(i));
        }
        spans += encoded.size();
        bytes += size(encoded);
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

    /** The encoded spans of a trace held here. */
    synchronized List<byte[]> trace(String traceId) {
        return List.copyOf(byTrace.getOrDefault(traceId, List.of()));
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
            for (int i = 0; i < batch.traceIds().size(); i++) {
                String traceId = batch.traceIds().get(i);
                List<byte[]> held = byTrace.get(traceId);
                byte[] span = batch.encoded().get(i);
                held.removeIf(bytes -> bytes == span);
                if (held.isEmpty()) {
                    byTrace.remove(traceId);
                }
            }
            spans -= batch.encoded().size();
            bytes -= size(batch.encoded());
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

    private static long size(List<byte[]> encoded) {
        long total = 0;
        for (byte[] span : encoded) {
            total += span.length;
        }
        return total;
    }

    private record Batch(List<String> traceIds, List<byte[]> encoded) {}
}
