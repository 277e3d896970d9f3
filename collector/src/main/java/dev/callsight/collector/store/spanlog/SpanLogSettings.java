package dev.callsight.collector.store.spanlog;

import java.time.Duration;

/**
 * How the span log keeps spans: partitions (hours) older than {@code retention} are dropped, and the oldest while all
 * of them take more than {@code maxBytes} (0: no size bound, only the disk's).
 */
public record SpanLogSettings(Duration retention, long maxBytes) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    public SpanLogSettings {
        if (retention == null || retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("span retention must be at least 1h: " + retention);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("span store size must not be negative: " + maxBytes);
        }
    }
}
