package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.core.export.RootTraceIds;
import dev.callsight.agent.core.export.SpanRecorder;
import dev.callsight.agent.core.export.TelemetryBootstrap;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attempts the sampler drops get no span but a traceparent; the ones it keeps are spans on the same trace ids. */
class UnsampledAttemptsTest {

    private static final double RATIO = 0.25;
    private static final String DROPPED = "00-[0-9a-f]{32}-[0-9a-f]{16}-00";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk sdk;

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void rootCallsAreKeptAtTheRatioOnTheirOwnTraceIdsAndEveryCallIsMeasured() {
        HttpClientTracer tracer = tracer(W3CTraceContextPropagator.getInstance());
        int calls = 2000;
        Set<String> droppedTraces = new HashSet<>();
        Map<String, String> keptTraceparents = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            Map<String, String> headers = attempt(tracer, Context.root());
            String traceparent = headers.get("traceparent");
            if (traceparent.matches(DROPPED)) {
                assertTrue(droppedTraces.add(traceparent.substring(3, 35)), "a new trace per root call");
            } else {
                assertTrue(traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), traceparent);
                keptTraceparents.put(traceparent.substring(3, 35), traceparent.substring(36, 52));
            }
        }
        List<SpanData> kept = spans.getFinishedSpanItems();
        // Binomial(2000, 0.25): mean 500, standard deviation 19.4; five of them either way.
        assertTrue(Math.abs(kept.size() - calls * RATIO) < 100, kept.size() + " of " + calls + " kept");
        assertEquals(calls, kept.size() + droppedTraces.size());
        Sampler ratio = Sampler.traceIdRatioBased(RATIO);
        for (SpanData span : kept) {
            assertEquals(span.getSpanId(), keptTraceparents.get(span.getTraceId()), "the header names the kept span");
            assertEquals(SamplingDecision.RECORD_AND_SAMPLE, ratio.shouldSample(Context.root(), span.getTraceId(),
                    "GET", SpanKind.CLIENT, Attributes.empty(), List.of()).getDecision(),
                    "any service sampling at the same ratio keeps this trace too");
        }
        for (String dropped : droppedTraces) {
            assertEquals(SamplingDecision.DROP, ratio.shouldSample(Context.root(), dropped, "GET", SpanKind.CLIENT,
                    Attributes.empty(), List.of()).getDecision());
        }
        long measured = metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals("http.client.request.duration"))
                .flatMap(metric -> metric.getHistogramData().getPoints().stream())
                .mapToLong(HistogramPointData::getCount).sum();
        assertEquals(calls, measured, "metrics count every call, sampled or not");
    }

    @Test
    void aCallUnderAnUnsampledParentCarriesItsTraceOnAndIsDropped() {
        HttpClientTracer tracer = tracer(W3CTraceContextPropagator.getInstance());
        SpanContext parentSpan = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getDefault(), TraceState.getDefault());
        Context parent = Context.root().with(Span.wrap(parentSpan));
        Set<String> spanIds = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String traceparent = attempt(tracer, parent).get("traceparent");
            assertTrue(traceparent.matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00"), traceparent);
            assertNotEquals(parentSpan.getSpanId(), traceparent.substring(36, 52));
            spanIds.add(traceparent.substring(36, 52));
        }
        assertEquals(50, spanIds.size(), "each attempt names a span of its own");
        assertEquals(List.of(), spans.getFinishedSpanItems());
    }

    @Test
    void aDroppedCallStillCarriesTheBaggage() {
        HttpClientTracer tracer = tracer(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
                W3CBaggagePropagator.getInstance()));
        SpanContext parentSpan = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getDefault(), TraceState.getDefault());
        Context parent = Context.root().with(Span.wrap(parentSpan))
                .with(Baggage.builder().put("tenant", "acme").build());
        Map<String, String> headers = attempt(tracer, parent);
        assertTrue(headers.get("traceparent").matches(DROPPED), headers::toString);
        assertEquals("tenant=acme", headers.get("baggage"));
    }

    @Test
    void theApplicationsOwnTraceparentIsLeftAsItIs() {
        HttpClientTracer tracer = tracer(W3CTraceContextPropagator.getInstance());
        String own = "00-11111111111111111111111111111111-2222222222222222-00";
        ClientRequest request = new ClientRequest("GET", URI.create("http://payments.internal/charge/7"),
                name -> name.equals("traceparent") ? own : null, false);
        ClientCall call = tracer.startAttempt(request, Context.root(), 0, null, RetrySource.FIRST, null, false, "default");
        Map<String, String> headers = new HashMap<>();
        tracer.inject(call, request, headers::put);
        assertEquals(Map.of(), headers, "the call is dropped, and its traceparent is not put over the application's");
    }

    private HttpClientTracer tracer(TextMapPropagator propagator) {
        RootTraceIds ids = new RootTraceIds();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setIdGenerator(ids)
                        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(RATIO)))
                        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(propagator))
                .build();
        // Kept attempts are recorded as the agent records them, into the SDK's exporter.
        return new HttpClientTracer(sdk, new SpanRecorder(SimpleSpanProcessor.create(spans), Resource.getDefault(),
                TelemetryBootstrap.INSTRUMENTATION_SCOPE, SpanLimits.getDefault(), ids));
    }

    /** One attempt of a GET under {@code parent}, ended with a 200; the headers it was sent with. */
    private static Map<String, String> attempt(HttpClientTracer tracer, Context parent) {
        ClientRequest request = new ClientRequest("GET", URI.create("http://payments.internal/charge/7"), name -> null,
                false);
        ClientCall call = tracer.startAttempt(request, parent, 0, null, RetrySource.FIRST, null, false, "default");
        Map<String, String> headers = new HashMap<>();
        tracer.inject(call, request, headers::put);
        call.markEnded();
        tracer.end(call, 200, "1.1", null);
        return headers;
    }
}
