package dev.callsight.collector.store.spanlog;

import dev.callsight.config.Durations;
import java.time.Duration;

/**
 * The tail-based rule: once an hour is older than {@code ordinary}, it is compacted to the spans of notable traces
 * (a timeout, a retry, an error or a slow span anywhere in the trace) and of {@code ordinaryFraction} of the other
 * traces, chosen by trace ID; the whole hour goes later, at the span log's retention. No ordinary retention (the
 * default) keeps every trace alike. The builder holds the defaults and refuses a bad value as it is set.
 */
public final class TailRetention {

    /** Every trace kept alike, until the span log's retention. */
    public static final TailRetention KEEP_ALL = builder().build();
    /** Compaction decides a trace only once the hour after its own is indexed, so this is the least it can be. */
    public static final Duration MIN_ORDINARY = Duration.ofHours(1);

    private final Duration ordinary;
    private final double ordinaryFraction;
    private final SlowThresholds slow;

    private TailRetention(Duration ordinary, double ordinaryFraction, SlowThresholds slow) {
        this.ordinary = ordinary;
        this.ordinaryFraction = ordinaryFraction;
        this.slow = slow;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long ordinary traces are kept whole; null when they are kept as long as notable ones. */
    public Duration ordinary() {
        return ordinary;
    }

    /** The fraction of ordinary traces kept after {@link #ordinary}, from 0 to 1. */
    public double ordinaryFraction() {
        return ordinaryFraction;
    }

    public SlowThresholds slow() {
        return slow;
    }

    public static final class Builder {
        private Duration ordinary;
        private double ordinaryFraction;
        private SlowThresholds slow = SlowThresholds.DEFAULTS;

        private Builder() {
        }

        public Builder ordinary(Duration retention) {
            if (retention == null || retention.compareTo(MIN_ORDINARY) < 0) {
                throw new IllegalArgumentException("the retention of ordinary traces must be at least 1h: "
                        + (retention == null ? "none" : Durations.format(retention)));
            }
            ordinary = retention;
            return this;
        }

        public Builder ordinaryFraction(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("the fraction of ordinary traces kept must be from 0 to 1: "
                        + fraction);
            }
            ordinaryFraction = fraction;
            return this;
        }

        public Builder slow(SlowThresholds thresholds) {
            if (thresholds == null) {
                throw new IllegalArgumentException("slow thresholds must be given");
            }
            slow = thresholds;
            return this;
        }

        public TailRetention build() {
            if (ordinary == null && ordinaryFraction > 0) {
                throw new IllegalArgumentException("a fraction of ordinary traces is kept only after a retention of "
                        + "ordinary traces, and none is set");
            }
            return new TailRetention(ordinary, ordinaryFraction, slow);
        }
    }
}
