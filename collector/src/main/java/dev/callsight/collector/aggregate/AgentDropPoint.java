package dev.callsight.collector.aggregate;

/**
 * One point of an agent's {@code callsight.agent.exporter.dropped} counter: what one agent process dropped of one
 * {@code signal} (spans, metric_points) for one {@code reason} (queue_full, export_failed), as a running total
 * ({@code cumulative}) or as the amount since its previous point.
 */
public record AgentDropPoint(String service, String streamId, String signal, String reason, boolean cumulative,
        long value) {
}
