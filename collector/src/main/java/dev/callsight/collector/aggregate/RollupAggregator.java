package dev.callsight.collector.aggregate;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns duration points into minute-rollup deltas. DELTA points are added as they are. A CUMULATIVE point is
 * compared with the last point seen for its stream: the difference is added; a reset (a count or bucket that went
 * down, or different bounds) counts the new point from zero, as does the first point of a stream; a point older
 * than the last one seen (an exporter retry arriving late) is ignored.
 *
 * <p>A stream is its series plus its start time (see {@link DurationPoint#streamId()}). Two processes that export the same series (an SDK without
 * {@code service.instance.id}, run as two replicas) then stay two streams instead of looking like a reset at
 * every alternation, each of which would add a whole lifetime's totals again.
 *
 * <p>Callers serialise calls that share a repository: the read-compare-write of stream state is not atomic.
 */
public final class RollupAggregator {

    public List<RollupDelta> aggregate(List<DurationPoint> points, StreamStateRepository states) throws SQLException {
        Map<RollupKey, RollupDelta> byKey = new LinkedHashMap<>();
        for (DurationPoint point : points) {
            Optional<RollupDelta> delta = point.cumulative() ? fromCumulative(point, states) : Optional.of(whole(point));
            delta.filter(d -> d.count() > 0).ifPresent(d -> byKey.merge(d.key(), d, RollupDelta::plus));
        }
        return List.copyOf(byKey.values());
    }

    private static Optional<RollupDelta> fromCumulative(DurationPoint point, StreamStateRepository states)
            throws SQLException {
        Optional<StreamState> previous = states.find(point.streamId());
        if (previous.isPresent() && point.timeUnixNano() < previous.get().timeUnixNano()) {
            return Optional.empty();
        }
        states.save(point.streamId(), point.state());
        if (previous.isEmpty() || isReset(previous.get(), point)) {
            return Optional.of(whole(point));
        }
        StreamState last = previous.get();
        List<Long> counts = new ArrayList<>(point.bucketCounts().size());
        for (int i = 0; i < point.bucketCounts().size(); i++) {
            counts.add(point.bucketCounts().get(i) - last.bucketCounts().get(i));
        }
        long count = point.count() - last.count();
        return Optional.of(new RollupDelta(RollupKey.of(point.timeUnixNano(), point.call()), count,
                point.sumSeconds() - last.sumSeconds(),
                CanonicalBuckets.rebucket(point.boundsSeconds(), counts, count)));
    }

    private static boolean isReset(StreamState last, DurationPoint point) {
        if (point.count() < last.count()
                || !last.boundsSeconds().equals(point.boundsSeconds())
                || last.bucketCounts().size() != point.bucketCounts().size()) {
            return true;
        }
        for (int i = 0; i < point.bucketCounts().size(); i++) {
            if (point.bucketCounts().get(i) < last.bucketCounts().get(i)) {
                return true;
            }
        }
        return false;
    }

    private static RollupDelta whole(DurationPoint point) {
        return new RollupDelta(RollupKey.of(point.timeUnixNano(), point.call()), point.count(), point.sumSeconds(),
                CanonicalBuckets.rebucket(point.boundsSeconds(), point.bucketCounts(), point.count()));
    }
}
