package dev.callsight.collector.serve;

import dev.callsight.collector.ingest.IngestObserver;
import dev.callsight.collector.ingest.Signal;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;

/** The collector's own ingest counters. */
public final class IngestHealthMetrics implements IngestObserver {

    private final Counter requests;
    private final Counter spans;
    private final Counter metricPoints;
    private final Counter rejected;

    public IngestHealthMetrics(CollectorRegistry registry) {
        requests = Counter.build("callsight_ingest_requests_total", "OTLP export requests by signal and outcome "
                + "(accepted, rejected, failed).").labelNames("signal", "outcome").register(registry);
        spans = Counter.build("callsight_ingest_spans_total", "Spans committed to the store.").register(registry);
        metricPoints = Counter.build("callsight_ingest_metric_points_total",
                "Metric data points received in committed requests, of any metric.").register(registry);
        rejected = Counter.build("callsight_ingest_rejected_total",
                "OTLP export requests refused before storing, by reason.").labelNames("reason").register(registry);
    }

    @Override
    public void accepted(Signal signal, long spanCount, long pointCount) {
        requests.labels(signal.label(), "accepted").inc();
        spans.inc(spanCount);
        metricPoints.inc(pointCount);
    }

    @Override
    public void rejected(Signal signal, String reason) {
        requests.labels(signal.label(), "rejected").inc();
        rejected.labels(reason).inc();
    }

    @Override
    public void failed(Signal signal) {
        requests.labels(signal.label(), "failed").inc();
    }
}
