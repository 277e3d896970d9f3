package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * Leaves out the metric export made at the JVM's exit when it carries nothing but the agent's own
 * drop counts, all zero: a process that recorded nothing then never loads the exporter's HTTP
 * client, which would add a few hundred milliseconds to its exit. Periodic exports still send the
 * zeros, so a running service's dashboard has the series.
 */
final class ExitSkippingMetricExporter implements MetricExporter {

    private final MetricExporter delegate;
    private final MetricExportsAtExit exit;

    ExitSkippingMetricExporter(MetricExporter delegate, MetricExportsAtExit exit) {
        this.delegate = delegate;
        this.exit = exit;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        if (exit.exiting() && metrics.stream().allMatch(ExitSkippingMetricExporter::zeroDrops)) {
            return CompletableResultCode.ofSuccess();
        }
        CompletableResultCode export = delegate.export(metrics);
        exit.exportStarted(export);
        return export;
    }

    private static boolean zeroDrops(MetricData metric) {
        return metric.getName().equals(ExportDrops.METRIC) && metric.getType() == MetricDataType.LONG_SUM
                && metric.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).allMatch(value -> value == 0);
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
