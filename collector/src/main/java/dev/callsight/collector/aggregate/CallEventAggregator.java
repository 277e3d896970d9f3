package dev.callsight.collector.aggregate;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns policy event points into minute-rollup deltas, like {@link RollupAggregator} does for durations: DELTA
 * points as they are, CUMULATIVE points by what {@link CumulativeStreams} says they add.
 */
public final class CallEventAggregator {

    /** Groups by minute and key. */
    private record Slot(long minuteUnixSeconds, CallEventKey key) {
    }

    public List<CallEventDelta> aggregate(List<CallEventPoint> points, StreamStateRepository states)
            throws SQLException {
        CumulativeStreams streams = new CumulativeStreams(states);
        Map<Slot, CallEventDelta> bySlot = new LinkedHashMap<>();
        for (CallEventPoint point : points) {
            Optional<StreamState> added = point.cumulative()
                    ? streams.added(point.streamId(), point.state()) : Optional.of(point.state());
            added.filter(a -> a.count() > 0)
                    .map(a -> new CallEventDelta(RollupKey.minuteOf(point.timeUnixNano()), point.key(), a.count()))
                    .ifPresent(d -> bySlot.merge(new Slot(d.minuteUnixSeconds(), d.key()), d, CallEventDelta::plus));
        }
        return List.copyOf(bySlot.values());
    }
}
