package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A span the agent records itself reaches the exporter as the SDK's own span would, written the same way. */
class SpanRecorderTest {

    private static final Resource RESOURCE = Resource.getDefault().merge(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
    private static final SpanContext PARENT = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());
    private static final SpanContext FIRST_ATTEMPT = SpanContext.create("0af7651916cd43dd8448eb211c80319c",
            "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final RootTraceIds ids = new RootTraceIds();
    private SdkTracerProvider sdk;

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void aRecordedSpanIsExportedAsTheSdksSpan() {
        SpanRecorder recorder = recorder(SpanLimits.getDefault());
        Context parent = Context.root().with(Span.wrap(PARENT));
        Span bySdk = sdk.get(TelemetryBootstrap.INSTRUMENTATION_SCOPE).spanBuilder("GET /charge/{id}")
                .setSpanKind(SpanKind.CLIENT).setParent(parent).addLink(FIRST_ATTEMPT).startSpan();
        Span recorded = recorder.start("GET /charge/{id}", SpanKind.CLIENT, parent, FIRST_ATTEMPT);
        IOException refused = new IOException("connection refused");
        for (Span span : List.of(bySdk, recorded)) {
            span.setAttribute(URL, "http://payments.internal/charge/7");
            span.setAttribute(PORT, 8080L);
            span.setAttribute(URL, "http://payments.internal/charge/8");
            span.setAttribute(ERROR, "java.io.IOException");
            span.setStatus(StatusCode.ERROR);
            span.recordException(refused);
            span.end();
            span.setAttribute(PORT, 9090L);
            span.updateName("after the end");
        }

        List<SpanData> spans = exported.getFinishedSpanItems();
        assertEquals(2, spans.size(), "both spans reach the processor once ended");
        SpanData expected = spans.get(0);
        SpanData actual = spans.get(1);
        assertEquals(PARENT.getTraceId(), actual.getTraceId(), "the parent's trace");
        assertNotEquals(expected.getSpanId(), actual.getSpanId());
        assertTrue(actual.getSpanContext().isSampled());
        assertEquals(comparable(expected), comparable(actual));
        assertEquals(sorted(expected.getAttributes()), sorted(actual.getAttributes()));
        assertTrue(actual.getEndEpochNanos() >= actual.getStartEpochNanos());
    }

    @Test
    void aRootSpanTakesTheTraceIdTheSamplerWasAskedAbout() {
        SpanRecorder recorder = recorder(SpanLimits.getDefault());
        ids.startNextWith("4bf92f3577b34da6a3ce929d0e0e4736");
        Span root = recorder.start("GET /charge/{id}", SpanKind.CLIENT, Context.root(), null);
        root.end();

        SpanData span = exported.getFinishedSpanItems().get(0);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", span.getTraceId());
        assertFalse(span.getParentSpanContext().isValid());
        assertEquals(List.of(), span.getLinks());
        assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", ids.generateTraceId(), "the chosen id is used once");
    }

    @Test
    void limitsDropWhatTheSdkDropsAndCountIt() {
        SpanLimits limits = SpanLimits.builder().setMaxNumberOfAttributes(2).setMaxAttributeValueLength(10)
                .setMaxNumberOfEvents(1).build();
        SpanRecorder recorder = recorder(limits);
        Span bySdk = sdk.get(TelemetryBootstrap.INSTRUMENTATION_SCOPE).spanBuilder("GET").startSpan();
        ids.startNextWith("4bf92f3577b34da6a3ce929d0e0e4736");
        Span recorded = recorder.start("GET", SpanKind.INTERNAL, Context.root(), null);
        for (Span span : List.of(bySdk, recorded)) {
            span.setAttribute(URL, "http://payments.internal/charge/7");
            span.setAttribute(PORT, 8080L);
            span.setAttribute(ERROR, "java.io.IOException");
            span.addEvent("first");
            span.addEvent("second");
            span.end();
        }

        List<SpanData> spans = exported.getFinishedSpanItems();
        assertEquals(comparable(spans.get(0)), comparable(spans.get(1)));
        assertEquals(sorted(spans.get(0).getAttributes()), sorted(spans.get(1).getAttributes()));
        assertEquals("http://pay", spans.get(1).getAttributes().get(URL));
        assertEquals(3, spans.get(1).getTotalAttributeCount());
        assertEquals(2, spans.get(1).getTotalRecordedEvents());
    }

    private SpanRecorder recorder(SpanLimits limits) {
        SpanProcessor processor = SimpleSpanProcessor.create(exported);
        sdk = SdkTracerProvider.builder().setResource(RESOURCE).setSpanLimits(limits).setIdGenerator(ids)
                .addSpanProcessor(processor).build();
        return new SpanRecorder(processor, RESOURCE, TelemetryBootstrap.INSTRUMENTATION_SCOPE, limits, ids);
    }

    private static Map<String, Object> sorted(Attributes attributes) {
        Map<String, Object> sorted = new TreeMap<>();
        attributes.forEach((key, value) -> sorted.put(key.getKey(), value));
        return sorted;
    }

    /** What OTLP sends of a span, but its own ids and times. */
    private static String comparable(SpanData span) {
        Function<EventData, String> event = e -> e.getName() + sorted(e.getAttributes()) + e.getTotalAttributeCount();
        return String.join("\n", span.getName(), span.getKind().name(), span.getParentSpanId(),
                span.getSpanContext().getTraceFlags().asHex(), span.getSpanContext().getTraceState().asMap().toString(),
                span.getStatus().toString(), span.getResource().toString(),
                span.getInstrumentationScopeInfo().toString(),
                span.getEvents().stream().map(event).collect(Collectors.joining(",")),
                span.getLinks().stream().map(link -> link.getSpanContext().getSpanId() + link.getAttributes())
                        .collect(Collectors.joining(",")),
                span.getTotalAttributeCount() + " " + span.getTotalRecordedEvents() + " " + span.getTotalRecordedLinks(),
                Boolean.toString(span.hasEnded()));
    }
}
