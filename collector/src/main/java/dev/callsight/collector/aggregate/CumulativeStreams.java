package dev.callsight.collector.aggregate;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Turns cumulative points of any metric into what each adds. A point is compared with the last point seen for its
 * stream: the difference is what it adds; a reset (a count or bucket that went down, or different bounds) counts
 * the new point from zero, as does the first point of a stream; a point older than the last one seen (an exporter
 * retry arriving late) adds nothing.
 *
 * <p>A stream is its series plus its start time (see {@link OtlpMetricStreams#streamId}). Two processes that
 * export the same series (an SDK without {@code service.instance.id}, run as two replicas) then stay two streams
 * instead of looking like a reset at every alternation, each of which would add a whole lifetime's totals again.
 *
 * <p>Callers serialise calls that share a repository: the read-compare-write of stream state is not atomic.
 */
final class CumulativeStreams {

    private final StreamStateRepository states;

    CumulativeStreams(StreamStateRepository states) {
        this.states = states;
    }

    /** @return what the point adds since its stream's last point, or empty when it arrived late */
    Optional<StreamState> added(String streamId, StreamState point) throws SQLException {
        Optional<StreamState> previous = states.find(streamId);
        if (previous.isPresent() && point.timeUnixNano() < previous.get().timeUnixNano()) {
            return Optional.empty();
        }
        states.save(streamId, point);
        if (previous.isEmpty() || isReset(previous.get(), point)) {
            return Optional.of(point);
        }
        return Optional.of(point.minus(previous.get()));
    }

    private static boolean isReset(StreamState last, StreamState point) {
        if (point.count() < last.count()
                || !last.boundsSeconds().equals(point.boundsSeconds())
                || last.bucketCounts().size() != point.bucketCounts().size()) {
            return true;
        }
        List<Long> lastCounts = last.bucketCounts();
        for (int i = 0; i < point.bucketCounts().size(); i++) {
            if (point.bucketCounts().get(i) < lastCounts.get(i)) {
                return true;
            }
        }
        return false;
    }
}
