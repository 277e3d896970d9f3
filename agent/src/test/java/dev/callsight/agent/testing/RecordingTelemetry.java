package dev.callsight.agent.testing;

import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.policy.PolicySet;
import dev.callsight.testing.Eventually;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;

/** A real SDK that keeps spans and metrics in memory, and the core built on it. */
public final class RecordingTelemetry implements AutoCloseable {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk;

    public RecordingTelemetry() {
        this(W3CTraceContextPropagator.getInstance());
    }

    /** With the given propagators in place of W3C trace context alone. */
    public RecordingTelemetry(TextMapPropagator propagator) {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(propagator))
                .build();
    }

    /** The core under the built-in default policy. */
    public OutboundCalls calls() {
        return calls(PolicySet.DEFAULT);
    }

    public OutboundCalls calls(PolicySet policies) {
        return new OutboundCalls(sdk, policies);
    }

    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    /** Waits, at most the given time, until this many spans have ended. */
    public List<SpanData> awaitSpans(int count, Duration patience) throws Exception {
        return Eventually.get(() -> spans().size() >= count ? spans() : null, count + " spans ended",
                () -> "ended: " + spans(), patience);
    }

    /** Calls recorded in http.client.request.duration, over every attribute set. */
    public long recordedCalls() {
        return histogramCount("http.client.request.duration");
    }

    /** Measurements of a histogram over the points whose attributes include the given long key and value. */
    public long histogramCount(String name, String key, long value) {
        return metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals(name))
                .flatMap(metric -> metric.getHistogramData().getPoints().stream())
                .filter(point -> Long.valueOf(value).equals(point.getAttributes().get(AttributeKey.longKey(key))))
                .mapToLong(HistogramPointData::getCount)
                .sum();
    }

    /** Measurements of a histogram over every attribute set. */
    public long histogramCount(String name) {
        return metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals(name))
                .flatMap(metric -> metric.getHistogramData().getPoints().stream())
                .mapToLong(HistogramPointData::getCount)
                .sum();
    }

    /** The sum of a counter over the points whose attributes include the given key and value. */
    public long counter(String name, String key, String value) {
        return metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals(name))
                .flatMap(metric -> metric.getLongSumData().getPoints().stream())
                .filter(point -> value.equals(point.getAttributes().get(AttributeKey.stringKey(key))))
                .mapToLong(LongPointData::getValue)
                .sum();
    }

    @Override
    public void close() {
        sdk.close();
    }
}
