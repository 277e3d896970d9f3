package dev.callsight.agent.testing;

import dev.callsight.agent.core.HttpClientTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;

/** A real SDK that keeps spans and metrics in memory, and the tracer built on it. */
public final class RecordingTelemetry implements AutoCloseable {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final HttpClientTracer tracer = new HttpClientTracer(sdk);

    public HttpClientTracer tracer() {
        return tracer;
    }

    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    /** Waits, at most the given time, until this many spans have ended. */
    public List<SpanData> awaitSpans(int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (spans().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return spans();
    }

    /** Calls recorded in http.client.request.duration, over every attribute set. */
    public long recordedCalls() {
        return metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals("http.client.request.duration"))
                .flatMap(metric -> metric.getHistogramData().getPoints().stream())
                .mapToLong(HistogramPointData::getCount)
                .sum();
    }

    @Override
    public void close() {
        sdk.close();
    }
}
