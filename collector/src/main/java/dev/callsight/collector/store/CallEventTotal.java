package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallEventKey;
import java.util.Objects;

/** All events ever recorded for one event key. */
public record CallEventTotal(CallEventKey key, long count) {

    public CallEventTotal {
        Objects.requireNonNull(key, "key");
    }
}
