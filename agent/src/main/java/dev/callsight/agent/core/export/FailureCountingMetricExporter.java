package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * Passes metrics on and counts the points of the exports that failed, including an export the
 * exporter's bounded executor refused outright. Nothing is lost with them as long as the
 * temporality is cumulative: the next export that gets through carries the totals.
 */
final class FailureCountingMetricExporter implements MetricExporter {

    private final MetricExporter delegate;
    private final ExportDrops drops;
    private final ThrottlePause pause = new ThrottlePause();

    FailureCountingMetricExporter(MetricExporter delegate, ExportDrops drops) {
        this.delegate = delegate;
        this.drops = drops;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        long points = metrics.stream().mapToLong(metric -> metric.getData().getPoints().size()).sum();
        CompletableResultCode result;
        pause.awaitTurn();
        try {
            result = delegate.export(metrics);
        } catch (RuntimeException refused) {
            // The exporter reports its own failures in the result; this guards the application's threads anyway.
            drops.metricPointsExportFailed(points, refused);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            pause.record(result);
            if (!result.isSuccess()) {
                drops.metricPointsExportFailed(points, result.getFailureThrowable());
            }
        });
        return result;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
