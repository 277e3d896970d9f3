package dev.callsight.collector.store;

import java.util.Locale;

/**
 * Why the span store kept a trace past the retention of ordinary traces: a span that timed out, was a retry, failed
 * or was slow (checked in this order; a trace counts under the first that applies), or the trace was among the
 * fraction of ordinary traces kept.
 */
public enum TraceKeepReason {
    TIMEOUT,
    RETRY,
    ERROR,
    SLOW,
    SAMPLED;

    /** As {@code /metrics} labels it: {@code timeout}, {@code retry}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
