package dev.callsight.collector.store.spanlog;

import dev.callsight.config.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How the span log keeps spans: partitions (hours) older than {@code retention} are dropped, and the oldest while all
 * of them take more than {@code maxBytes} (0: no size bound, only the disk's); before that, {@code tail} may compact
 * hours to the traces that matter.
 */
public record SpanLogSettings(Duration retention, long maxBytes, TailRetention tail) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    public SpanLogSettings {
        if (retention == null || retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("span retention must be at least 1h: " + retention);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("span store size must not be negative: " + maxBytes);
        }
        Objects.requireNonNull(tail, "tail");
        if (tail.ordinary() != null && tail.ordinary().compareTo(retention) >= 0) {
            throw new IllegalArgumentException("the retention of ordinary traces (" + Durations.format(tail.ordinary())
                    + ") must be shorter than the span retention (" + Durations.format(retention) + ")");
        }
    }

    /** Every trace kept alike. */
    public SpanLogSettings(Duration retention, long maxBytes) {
        this(retention, maxBytes, TailRetention.KEEP_ALL);
    }
}
