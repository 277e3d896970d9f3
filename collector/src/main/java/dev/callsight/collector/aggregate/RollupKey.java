package dev.callsight.collector.aggregate;

import java.util.Objects;

/** A call key within one minute: the primary key of a minute rollup. */
public record RollupKey(long minuteUnixSeconds, CallKey call) {

    public RollupKey {
        Objects.requireNonNull(call, "call");
        if (minuteUnixSeconds % 60 != 0) {
            throw new IllegalArgumentException("not a minute start: " + minuteUnixSeconds);
        }
    }

    /** The minute a point belongs to: its timestamp floored to the minute. */
    public static RollupKey of(long timeUnixNano, CallKey call) {
        return new RollupKey(minuteOf(timeUnixNano), call);
    }

    /** The start of the minute holding a timestamp, in Unix seconds. */
    public static long minuteOf(long timeUnixNano) {
        long seconds = Math.floorDiv(timeUnixNano, 1_000_000_000L);
        return seconds - Math.floorMod(seconds, 60);
    }
}
