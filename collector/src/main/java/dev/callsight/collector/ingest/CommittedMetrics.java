package dev.callsight.collector.ingest;

import dev.callsight.collector.aggregate.AgentDropPoint;
import dev.callsight.collector.aggregate.BreakerState;
import dev.callsight.collector.aggregate.CallEventDelta;
import dev.callsight.collector.aggregate.DurationExemplar;
import dev.callsight.collector.aggregate.RollupDelta;
import java.util.List;

/**
 * What one committed metrics request added: duration rollup deltas, policy event deltas, the breaker states
 * that replaced older ones, and the duration exemplars and agent drop counts it carried (never stored, only
 * handed on).
 */
public record CommittedMetrics(List<RollupDelta> rollups, List<CallEventDelta> events,
        List<BreakerState> breakerStates, List<DurationExemplar> exemplars, List<AgentDropPoint> agentDrops) {

    public CommittedMetrics {
        rollups = List.copyOf(rollups);
        events = List.copyOf(events);
        breakerStates = List.copyOf(breakerStates);
        exemplars = List.copyOf(exemplars);
        agentDrops = List.copyOf(agentDrops);
    }
}
