package dev.callsight.agent.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.callsight.agent.core.client.HttpClientTracer;
import dev.callsight.agent.core.http.HttpSemantics;
import dev.callsight.agent.core.http.RequestHeaders;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server span's parent, attributes, scope and duration metric, under the propagators the SDK is given. */
class HttpServerTracerTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
                    B3Propagator.injectingMultiHeaders(), W3CBaggagePropagator.getInstance())))
            .build();
    private final HttpServerTracer tracer = new HttpServerTracer(sdk);

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void theConfiguredPropagatorsFindTheParentAndTheSpanIsCurrentUntilDetached() {
        Context before = Context.current();
        ServerCall call = tracer.start(request("GET", "/users/42", "a=1&password=hunter2", null, Map.of(
                "X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
                "X-B3-Sampled", "1", "baggage", "tenant=blue")));
        Span current = Span.current();
        assertEquals("blue", Baggage.current().getEntryValue("tenant"), "the caller's baggage is current too");
        call.detach();
        assertSame(before, Context.current(), "nothing stays current on the thread after the request");
        tracer.end(call, 404, null);

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertEquals(current.getSpanContext(), span.getSpanContext());
        assertEquals(SpanKind.SERVER, span.getKind());
        assertEquals("463ac35c9f6413ad48485a3953bb6124", span.getTraceId());
        assertEquals("a2fb4a1d1a96d312", span.getParentSpanId());
        assertEquals("GET /users/{id}", span.getName());
        assertEquals("a=1&password=REDACTED", span.getAttributes().get(AttributeKey.stringKey("url.query")));
        assertEquals(404L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertNull(span.getAttributes().get(AttributeKey.stringKey("error.type")), "4xx is the client's error");
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
    }

    @Test
    void aFrameworkRouteNamesTheSpanAndFailuresAreRecordedOnceWithErrorType() {
        ServerCall call = tracer.start(request("PURGE", "/cache/7", null, "/cache/*", Map.of()));
        call.detach();
        tracer.end(call, 500, new IllegalStateException("boom"));
        tracer.end(call, 200, null);

        List<SpanData> ended = spans.getFinishedSpanItems();
        assertEquals(1, ended.size(), "a request ends once");
        SpanData span = ended.get(0);
        assertFalse(span.getParentSpanContext().isValid(), "no headers, a new trace");
        assertEquals("_OTHER /cache/*", span.getName());
        assertEquals("PURGE", span.getAttributes().get(AttributeKey.stringKey("http.request.method_original")));
        assertEquals("java.lang.IllegalStateException", span.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        HistogramPointData point = metrics.collectAllMetrics().stream()
                .filter(metric -> metric.getName().equals("http.server.request.duration"))
                .flatMap(metric -> metric.getHistogramData().getPoints().stream()).findFirst().orElseThrow();
        assertEquals(1, point.getCount());
        assertEquals("/cache/*", point.getAttributes().get(AttributeKey.stringKey("http.route")));
        assertEquals(500L, point.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals("java.lang.IllegalStateException", point.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertEquals(HttpSemantics.DURATION_BUCKETS, point.getBoundaries());
    }

    private static ServerRequest request(String method, String path, String query, String route,
            Map<String, String> headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new ServerRequest(method, "http", path, query, route, "127.0.0.1", 8080, "127.0.0.2", "test/1.0",
                new RequestHeaders() {
                    @Override
                    public String get(String name) {
                        return byName.get(name);
                    }

                    @Override
                    public Iterable<String> names() {
                        return byName.keySet();
                    }
                });
    }
}
