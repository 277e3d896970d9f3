package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.AgentDropPoint;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code callsight_agent_exporter_dropped_total{service_name,signal,reason}}: what agents dropped because this
 * collector was down, slow or refusing, summed over the agent processes of a service. Kept in memory only: every
 * agent export carries its running totals, so a restarted collector has them again within an export interval.
 * Remembers at most {@value #MAX_STREAMS} agent streams, forgetting the least recently reported first.
 */
public final class AgentExporterDrops extends Collector {

    static final int MAX_STREAMS = 10_000;
    private static final List<String> LABELS = List.of("service_name", "signal", "reason");

    private final Map<String, Stream> streams = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Stream> eldest) {
            return size() > MAX_STREAMS;
        }
    };

    private record Stream(List<String> labels, long total) {}

    /** Takes the points of a committed request, in commit order. */
    public synchronized void add(List<AgentDropPoint> points) {
        for (AgentDropPoint point : points) {
            Stream previous = streams.get(point.streamId());
            long total = point.cumulative() || previous == null ? point.value() : previous.total() + point.value();
            streams.put(point.streamId(), new Stream(List.of(point.service(), point.signal(), point.reason()), total));
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<List<String>, Long> totals = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        synchronized (this) {
            streams.values().forEach(stream -> totals.merge(stream.labels(), stream.total(), Long::sum));
        }
        CounterMetricFamily family = new CounterMetricFamily("callsight_agent_exporter_dropped_total",
                "Spans and metric points agents dropped, by signal and reason (queue_full, export_failed), as they "
                        + "reported once their exports got through again.", LABELS);
        totals.forEach(family::addMetric);
        return List.of(family);
    }
}
