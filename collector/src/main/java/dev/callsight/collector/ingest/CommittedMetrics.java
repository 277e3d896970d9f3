package dev.callsight.collector.ingest;

import dev.callsight.collector.aggregate.BreakerState;
import dev.callsight.collector.aggregate.CallEventDelta;
import dev.callsight.collector.aggregate.RollupDelta;
import java.util.List;

/**
 * What one committed metrics request added: duration rollup deltas, policy event deltas, and the breaker states
 * that replaced older ones.
 */
public record CommittedMetrics(List<RollupDelta> rollups, List<CallEventDelta> events,
        List<BreakerState> breakerStates) {

    public CommittedMetrics {
        rollups = List.copyOf(rollups);
        events = List.copyOf(events);
        breakerStates = List.copyOf(breakerStates);
    }
}
