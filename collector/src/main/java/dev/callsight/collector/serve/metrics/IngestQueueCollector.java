package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.ingest.IngestAdmission;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/** How many OTLP requests, and how many bytes of them, are admitted and not yet answered, read at each scrape. */
public final class IngestQueueCollector extends Collector {

    private final IngestAdmission admission;

    public IngestQueueCollector(IngestAdmission admission) {
        this.admission = admission;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        return List.of(
                new GaugeMetricFamily("callsight_ingest_pending_requests",
                        "OTLP requests being read, decoded or stored (bounded by --max-pending-requests).",
                        admission.pendingRequests()),
                new GaugeMetricFamily("callsight_ingest_pending_bytes",
                        "Bytes the pending OTLP requests are counted as (bounded by --max-pending-bytes).",
                        admission.pendingBytes()));
    }
}
