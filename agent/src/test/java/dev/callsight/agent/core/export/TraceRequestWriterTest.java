package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's OTLP trace request is, byte for byte, the request the SDK's exporter would send for the same spans. */
class TraceRequestWriterTest {

    private static final Resource CHECKOUT = Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
    private static final Resource BILLING = Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "billing"), "https://opentelemetry.io/schemas/1.24.0");
    private static final SpanContext REMOTE_PARENT = SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "a1").put("other", "b2").build());
    private static final SpanContext LINKED = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7", TraceFlags.getDefault(), TraceState.builder().put("k", "v").build());
    private static final String LONG_VALUE = "x".repeat(200);
    private static final String VERY_LONG_VALUE = "y".repeat(20_000);

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final List<SdkTracerProvider> providers = new ArrayList<>();

    @AfterEach
    void close() {
        providers.forEach(SdkTracerProvider::close);
    }

    @Test
    void spansOfOneResourceAndScopeAreTheSdksBytes() throws IOException {
        everyKindOfSpan(provider(CHECKOUT, SpanLimits.getDefault()), "dev.callsight.agent");
        List<SpanData> spans = exported.getFinishedSpanItems();

        assertArrayEquals(sdkRequest(spans), new TraceRequestWriter(16).write(spans).toByteArray());
    }

    @Test
    void recordedSpansAreTheSdksBytes() throws IOException {
        SpanRecorder recorder = new SpanRecorder(SimpleSpanProcessor.create(exported), CHECKOUT,
                "dev.callsight.agent", SpanLimits.getDefault(), new RootTraceIds());
        Span failed = recorder.start("GET /charge/{id}", SpanKind.CLIENT,
                Context.root().with(Span.wrap(REMOTE_PARENT)), LINKED);
        failed.setAttribute("url.full", "http://payments.internal/charge/7");
        failed.setAttribute(AttributeKey.longKey("server.port"), 8080L);
        failed.setStatus(StatusCode.ERROR);
        failed.recordException(new IOException("connection refused"));
        failed.end();
        Span root = recorder.start("GET", SpanKind.CLIENT, Context.root(), null);
        root.setAttribute(AttributeKey.longKey("http.response.status_code"), 200L);
        root.end();
        List<SpanData> spans = exported.getFinishedSpanItems();

        assertArrayEquals(sdkRequest(spans), new TraceRequestWriter(16).write(spans).toByteArray());
    }

    @Test
    void limitsDroppedCountsAndUnusualTextAreWrittenAsTheSdkWritesThem() throws IOException {
        SpanLimits tight = SpanLimits.builder().setMaxNumberOfAttributes(2).setMaxNumberOfEvents(1)
                .setMaxNumberOfLinks(1).setMaxNumberOfAttributesPerEvent(1).setMaxAttributeValueLength(150).build();
        SdkTracerProvider provider = provider(CHECKOUT, tight);
        Span span = provider.get("scope").spanBuilder("").setSpanKind(SpanKind.PRODUCER)
                .addLink(LINKED, Attributes.of(AttributeKey.stringKey("a"), "1", AttributeKey.stringKey("b"), "2"))
                .addLink(REMOTE_PARENT).startSpan();
        span.setAttribute("text", "héllo 中文 😀 \uD800 end");
        span.setAttribute("truncated", LONG_VALUE);
        span.setAttribute("over the limit", "dropped");
        span.addEvent("first", Attributes.of(AttributeKey.longKey("n"), 1L, AttributeKey.longKey("m"), 2L));
        span.addEvent("second");
        span.setStatus(StatusCode.OK);
        span.end();

        List<SpanData> spans = exported.getFinishedSpanItems();
        assertArrayEquals(sdkRequest(spans), new TraceRequestWriter(16).write(spans).toByteArray());
    }

    @Test
    void spansOfSeveralResourcesAndScopesReadAsTheSdksRequest() throws IOException {
        SdkTracerProvider checkout = provider(CHECKOUT, SpanLimits.getDefault());
        SdkTracerProvider billing = provider(BILLING, SpanLimits.getDefault());
        everyKindOfSpan(checkout, "first");
        everyKindOfSpan(billing, "second");
        everyKindOfSpan(checkout, "second");
        everyKindOfSpan(billing, "first");
        List<SpanData> spans = exported.getFinishedSpanItems();

        ExportTraceServiceRequest ours = ExportTraceServiceRequest.parseFrom(
                new TraceRequestWriter(16).write(spans).toByteArray());

        assertEquals(normalized(ExportTraceServiceRequest.parseFrom(sdkRequest(spans))), normalized(ours));
        assertEquals(List.of("checkout", "billing"), ours.getResourceSpansList().stream()
                .map(resource -> resource.getResource().getAttributesList().stream()
                        .filter(attribute -> attribute.getKey().equals("service.name")).findFirst().orElseThrow()
                        .getValue().getStringValue())
                .collect(Collectors.toList()), "resources in the order of their first span");
    }

    @Test
    void aWriterReusedForASmallerBatchWritesOnlyThatBatch() throws IOException {
        SdkTracerProvider checkout = provider(CHECKOUT, SpanLimits.getDefault());
        everyKindOfSpan(checkout, "scope");
        List<SpanData> many = exported.getFinishedSpanItems();
        TraceRequestWriter writer = new TraceRequestWriter(16);
        writer.write(many);

        List<SpanData> one = many.subList(0, 1);
        assertArrayEquals(sdkRequest(one), writer.write(one).toByteArray());
    }

    private SdkTracerProvider provider(Resource resource, SpanLimits limits) {
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource).setSpanLimits(limits)
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
        providers.add(provider);
        return provider;
    }

    /** Spans with every field the OTLP span has set, and with none, of one scope. */
    private static void everyKindOfSpan(SdkTracerProvider provider, String scope) {
        Tracer tracer = provider.tracerBuilder(scope).setInstrumentationVersion("1.2.3")
                .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0").build();
        Span server = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER)
                .setParent(Context.root().with(Span.wrap(REMOTE_PARENT)))
                .addLink(LINKED, Attributes.of(AttributeKey.stringKey("link.reason"), "retry of"))
                .setStartTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS).startSpan();
        server.setAttribute("string", "value");
        server.setAttribute("empty", "");
        server.setAttribute("long", -42L);
        server.setAttribute("zero", 0L);
        server.setAttribute("bool", true);
        server.setAttribute("false", false);
        server.setAttribute("double", 3.25);
        server.setAttribute("long text", LONG_VALUE);
        server.setAttribute("very long text", VERY_LONG_VALUE);
        server.setAttribute(AttributeKey.stringArrayKey("strings"), List.of("a", "", "ü"));
        server.setAttribute(AttributeKey.longArrayKey("longs"), List.of(1L, -1L, Long.MAX_VALUE));
        server.setAttribute(AttributeKey.booleanArrayKey("bools"), List.of(true, false));
        server.setAttribute(AttributeKey.doubleArrayKey("doubles"), List.of(0.5, -0.0));
        server.setAttribute(AttributeKey.stringArrayKey("no strings"), List.of());
        server.setAttribute(AttributeKey.valueKey("value"), Value.of(
                KeyValue.of("nested", Value.of(Value.of("s"), Value.of(7L), Value.of(new byte[] {1, 2, 3}))),
                KeyValue.of("empty", Value.empty()), KeyValue.of("flag", Value.of(false))));
        server.addEvent("cache miss", Attributes.of(AttributeKey.stringKey("key"), "order-7"),
                1_700_000_000_200_000_000L, TimeUnit.NANOSECONDS);
        server.recordException(new IllegalStateException("out of stock"));
        server.setStatus(StatusCode.ERROR, "out of stock");
        server.end(1_700_000_000_923_456_789L, TimeUnit.NANOSECONDS);

        Span internal = tracer.spanBuilder("reserve").setNoParent().startSpan();
        internal.end();
    }

    private static byte[] sdkRequest(List<SpanData> spans) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(bytes);
        return bytes.toByteArray();
    }

    /** Resources and their scopes in a fixed order: the SDK groups through identity hash maps. */
    private static ExportTraceServiceRequest normalized(ExportTraceServiceRequest request) {
        Comparator<ScopeSpans> byScope = Comparator.comparing(scope -> scope.getScope().toString());
        List<ResourceSpans> resources = request.getResourceSpansList().stream()
                .map(resource -> resource.toBuilder().clearScopeSpans()
                        .addAllScopeSpans(resource.getScopeSpansList().stream().sorted(byScope)
                                .collect(Collectors.toList())).build())
                .sorted(Comparator.comparing(resource -> resource.getResource().toString()))
                .collect(Collectors.toList());
        return request.toBuilder().clearResourceSpans().addAllResourceSpans(resources).build();
    }
}
