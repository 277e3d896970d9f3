package dev.callsight.collector.store;

/**
 * One trace in a listing: its first span's start, how long it ran from first start to last end,
 * how many spans it has and whether any of them failed.
 */
public record TraceSummary(String traceId, String rootName, long startUnixNano, long durationNano, int spanCount,
        boolean hasError) {}
