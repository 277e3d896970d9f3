package dev.callsight.collector.aggregate;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns duration points into minute-rollup deltas. DELTA points are added as they are; CUMULATIVE points add
 * what {@link CumulativeStreams} says they add.
 */
public final class RollupAggregator {

    public List<RollupDelta> aggregate(List<DurationPoint> points, StreamStateRepository states) throws SQLException {
        CumulativeStreams streams = new CumulativeStreams(states);
        Map<RollupKey, RollupDelta> byKey = new LinkedHashMap<>();
        for (DurationPoint point : points) {
            Optional<StreamState> added = point.cumulative()
                    ? streams.added(point.streamId(), point.state()) : Optional.of(point.state());
            added.filter(a -> a.count() > 0).map(a -> delta(point, a))
                    .ifPresent(d -> byKey.merge(d.key(), d, RollupDelta::plus));
        }
        return List.copyOf(byKey.values());
    }

    private static RollupDelta delta(DurationPoint point, StreamState added) {
        return new RollupDelta(RollupKey.of(point.timeUnixNano(), point.call()), added.count(), added.sumSeconds(),
                CanonicalBuckets.rebucket(added.boundsSeconds(), added.bucketCounts(), added.count()));
    }
}
