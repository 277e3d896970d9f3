package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The export side's accounting on real SDK spans and metrics: what is refused, freed and counted. */
class ExportBoundsTest {

    @Test
    void sampledSpansBeyondTheBacklogAreRefusedAndCountedUntilTheExporterTakesSome() throws IOException {
        ExportDrops drops = new ExportDrops(Duration.ofMinutes(1));
        SpanBacklog backlog = new SpanBacklog();
        List<ReadableSpan> passedOn = new ArrayList<>();
        SpanExporter exporter = new DropCountingSpanExporter(new AcceptingExporter(), backlog, drops);
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(new BoundedSpanProcessor(new KeepingProcessor(passedOn), backlog, 3, drops)).build();
                InMemoryMetricReader reader = InMemoryMetricReader.create();
                SdkMeterProvider metering = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            drops.register(metering.get("test"));
            Tracer tracer = tracing.get("test");
            for (int i = 0; i < 5; i++) {
                tracer.spanBuilder("call " + i).startSpan().end();
            }
            assertEquals(3, passedOn.size(), "three fit the backlog");

            exporter.export(passedOn.subList(0, 2).stream().map(ReadableSpan::toSpanData).collect(Collectors.toList()));
            for (int i = 0; i < 3; i++) {
                tracer.spanBuilder("later " + i).startSpan().end();
            }

            assertEquals(5, passedOn.size(), "two places were freed by the export");
            assertEquals(Map.of("spans/queue_full", 3L, "spans/export_failed", 0L, "metric_points/export_failed", 0L),
                    dropped(reader));
        }
    }

    @Test
    void unsampledSpansTakeNoPlace() {
        ExportDrops drops = new ExportDrops(Duration.ofMinutes(1));
        List<ReadableSpan> passedOn = new ArrayList<>();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
                .addSpanProcessor(new BoundedSpanProcessor(new KeepingProcessor(passedOn), new SpanBacklog(), 1, drops))
                .build()) {
            for (int i = 0; i < 3; i++) {
                tracing.get("test").spanBuilder("unsampled").startSpan().end();
            }
        }
        assertEquals(0, passedOn.size());
    }

    @Test
    void failedExportsCountTheirSpansAndPoints() throws IOException {
        ExportDrops drops = new ExportDrops(Duration.ofMinutes(1));
        try (InMemoryMetricReader reader = InMemoryMetricReader.create();
                SdkMeterProvider metering = SdkMeterProvider.builder().registerMetricReader(reader).build();
                SdkTracerProvider tracing = SdkTracerProvider.builder()
                        .addSpanProcessor(new KeepingProcessor(new ArrayList<>())).build()) {
            drops.register(metering.get("test"));
            List<SpanData> spans = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var span = tracing.get("test").spanBuilder("call").startSpan();
                span.end();
                spans.add(((ReadableSpan) span).toSpanData());
            }
            SpanExporter failing = new DropCountingSpanExporter(new FailingExporter(), new SpanBacklog(), drops);

            assertEquals(false, failing.export(spans).isSuccess());
            metering.get("test").counterBuilder("calls").build().add(1, Attributes.empty());
            Collection<MetricData> metrics = reader.collectAllMetrics();
            long points = metrics.stream().mapToLong(metric -> metric.getData().getPoints().size()).sum();
            new FailureCountingMetricExporter(new FailingMetricExporter(), drops).export(metrics);

            assertEquals(Map.of("spans/queue_full", 0L, "spans/export_failed", 4L, "metric_points/export_failed", points),
                    dropped(reader));
        }
    }

    private static Map<String, Long> dropped(InMemoryMetricReader reader) {
        return reader.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals("callsight.agent.exporter.dropped"))
                .flatMap(metric -> metric.getLongSumData().getPoints().stream())
                .collect(Collectors.toMap(point -> point.getAttributes().get(ExportDrops.SIGNAL) + "/"
                        + point.getAttributes().get(ExportDrops.REASON), LongPointData::getValue));
    }

    /** Keeps what it is handed, as a batch processor whose exporter never runs. */
    private static final class KeepingProcessor implements SpanProcessor {
        private final List<ReadableSpan> kept;

        KeepingProcessor(List<ReadableSpan> kept) {
            this.kept = kept;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            kept.add(span);
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }

    private static final class AcceptingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static final class FailingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofExceptionalFailure(new IOException("connection refused"));
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static final class FailingMetricExporter implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return CompletableResultCode.ofFailure();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
