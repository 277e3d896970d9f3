package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.SpanStoreStats;
import dev.callsight.collector.store.TraceKeepReason;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Optional;

/**
 * The span store's size (bytes on disk, partitions, spans) and the traces its tail-based retention kept, by reason,
 * and dropped, read from the store at each scrape; absent for a store that cannot tell (the JDBC table).
 */
public final class SpanStoreCollector extends Collector {

    private final SpanStore store;

    public SpanStoreCollector(SpanStore store) {
        this.store = store;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Optional<SpanStoreStats> read = store.stats();
        if (read.isEmpty()) {
            return List.of();
        }
        SpanStoreStats stats = read.get();
        CounterMetricFamily kept = new CounterMetricFamily("callsight_span_store_traces_kept_total",
                "Traces kept past the retention of ordinary traces, by reason: timeout, retry, error, slow, or "
                        + "sampled (the fraction of ordinary traces kept); counted per hour compacted.",
                List.of("reason"));
        for (TraceKeepReason reason : TraceKeepReason.values()) {
            kept.addMetric(List.of(reason.label()), stats.tracesKept().getOrDefault(reason, 0L));
        }
        return List.of(
                new GaugeMetricFamily("callsight_span_store_bytes", "Bytes the span store takes on disk.",
                        stats.bytes()),
                new GaugeMetricFamily("callsight_span_store_partitions", "Hours the span store holds.",
                        stats.partitions()),
                new GaugeMetricFamily("callsight_span_store_spans", "Spans the span store holds.", stats.spans()),
                kept,
                new CounterMetricFamily("callsight_span_store_traces_dropped_total",
                        "Ordinary traces dropped when their hour passed the retention of ordinary traces; counted "
                                + "per hour compacted.", stats.tracesDropped()));
    }
}
