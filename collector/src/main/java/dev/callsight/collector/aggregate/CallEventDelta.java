package dev.callsight.collector.aggregate;

import java.util.Objects;

/** Events to add to one minute rollup of one event key. */
public record CallEventDelta(long minuteUnixSeconds, CallEventKey key, long count) {

    public CallEventDelta {
        Objects.requireNonNull(key, "key");
        if (minuteUnixSeconds % 60 != 0) {
            throw new IllegalArgumentException("not a minute start: " + minuteUnixSeconds);
        }
    }

    public CallEventDelta plus(CallEventDelta other) {
        if (minuteUnixSeconds != other.minuteUnixSeconds || !key.equals(other.key)) {
            throw new IllegalArgumentException("different rollup keys");
        }
        return new CallEventDelta(minuteUnixSeconds, key, count + other.count);
    }
}
