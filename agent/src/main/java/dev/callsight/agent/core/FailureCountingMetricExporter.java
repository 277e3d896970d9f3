package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * Passes metrics on and counts the exports that failed. Nothing is lost with them as long as
 * the temporality is cumulative: the next export that gets through carries the totals.
 */
final class FailureCountingMetricExporter implements MetricExporter {

    private final MetricExporter delegate;
    private final ExportDrops drops;

    FailureCountingMetricExporter(MetricExporter delegate, ExportDrops drops) {
        this.delegate = delegate;
        this.drops = drops;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        CompletableResultCode result = delegate.export(metrics);
        result.whenComplete(() -> {
            if (!result.isSuccess()) {
                drops.metricExportFailed();
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
