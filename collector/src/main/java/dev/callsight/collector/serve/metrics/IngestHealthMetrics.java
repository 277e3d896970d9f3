package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.CallSiteLimiter;
import dev.callsight.collector.ingest.IngestObserver;
import dev.callsight.collector.ingest.Signal;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;

/** The collector's own ingest counters. */
public final class IngestHealthMetrics implements IngestObserver, CallSiteLimiter.OverflowListener {

    private final Counter requests;
    private final Counter spans;
    private final Counter metricPoints;
    private final Counter rejected;
    private final Counter storeFailures;
    private final Counter cardinalityOverflow;

    public IngestHealthMetrics(CollectorRegistry registry) {
        requests = Counter.build("callsight_ingest_requests_total", "OTLP export requests by signal and outcome "
                + "(accepted, rejected, failed).").labelNames("signal", "outcome").register(registry);
        spans = Counter.build("callsight_ingest_spans_total", "Spans committed to the store.").register(registry);
        metricPoints = Counter.build("callsight_ingest_metric_points_total",
                "Metric data points received in committed requests, of any metric.").register(registry);
        rejected = Counter.build("callsight_ingest_rejected_total",
                "OTLP export requests refused before storing, by reason.").labelNames("reason").register(registry);
        storeFailures = Counter.build("callsight_ingest_store_failures_total", "OTLP export requests answered 503 "
                + "because the store failed, by cause (disk_full, read_only, error).").labelNames("cause")
                .register(registry);
        cardinalityOverflow = Counter.build("callsight_collector_cardinality_overflow_total", "Metric points "
                + "counted under an overflow route, peer or error type because their service had too many (kind: route, "
                + "peer, error_type).")
                .labelNames("kind").register(registry);
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

    /** Counts the folded point; says so on stderr once per service and peer. */
    @Override
    public void overflowed(String kind, boolean first, String what) {
        cardinalityOverflow.labels(kind).inc();
        if (first) {
            System.err.println("callsight: " + what);
        }
    }

    @Override
    public void failed(Signal signal, String cause) {
        requests.labels(signal.label(), "failed").inc();
        storeFailures.labels(cause).inc();
    }
}
