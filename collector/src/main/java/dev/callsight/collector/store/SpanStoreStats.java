package dev.callsight.collector.store;

import java.util.Map;

/**
 * What the span store holds and what its tail-based retention did since the collector started: bytes on disk,
 * partitions, spans, and traces kept past the retention of ordinary traces by reason, and traces dropped then.
 */
public record SpanStoreStats(long bytes, int partitions, long spans, Map<TraceKeepReason, Long> tracesKept,
        long tracesDropped) {

    public SpanStoreStats {
        tracesKept = Map.copyOf(tracesKept);
    }
}
