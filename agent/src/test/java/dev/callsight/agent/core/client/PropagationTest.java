package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.testing.RecordingTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configured propagators decide which headers go out and which of the application's headers a call joins. */
class PropagationTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Test
    void otelPropagatorsSelectsTheSdksPropagators() {
        assertEquals(Map.of("traceparent", true, "baggage", true, "b3", false, "uber-trace-id", false),
                fieldsOf(propagatorsFor(null)));
        assertEquals(Map.of("traceparent", false, "baggage", false, "b3", true, "uber-trace-id", false),
                fieldsOf(propagatorsFor("b3")));
        assertTrue(propagatorsFor("b3multi").fields().contains("X-B3-TraceId"));
        assertEquals(Map.of("traceparent", false, "baggage", false, "b3", false, "uber-trace-id", true),
                fieldsOf(propagatorsFor("jaeger")));
    }

    @Test
    void eachFormatIsInjectedAndJoinedWhenTheApplicationSetItItself() throws Exception {
        Map<TextMapPropagator, Map<String, String>> formats = Map.of(
                W3CTraceContextPropagator.getInstance(),
                Map.of("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01"),
                B3Propagator.injectingSingleHeader(), Map.of("b3", TRACE_ID + "-" + SPAN_ID + "-1"),
                B3Propagator.injectingMultiHeaders(),
                Map.of("X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID, "X-B3-Sampled", "1"),
                JaegerPropagator.getInstance(), Map.of("uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:1"));
        for (Map.Entry<TextMapPropagator, Map<String, String>> format : formats.entrySet()) {
            try (RecordingTelemetry telemetry = new RecordingTelemetry(format.getKey())) {
                OutboundCalls calls = telemetry.calls();

                Map<String, String> sent = send(calls, Map.of());
                SpanData own = telemetry.spans().get(0);
                assertEquals(format.getValue().keySet(), sent.keySet(), format.getKey().toString());
                assertTrue(sent.values().stream().anyMatch(value -> value.contains(own.getTraceId())), sent.toString());

                Map<String, String> application = send(calls, format.getValue());
                SpanData joined = telemetry.spans().get(1);
                assertEquals(Map.of(), application, "the application's own header is left as it is: " + format.getKey());
                assertEquals(TRACE_ID, joined.getTraceId(), format.getKey().toString());
                assertEquals(SPAN_ID, joined.getParentSpanId(), format.getKey().toString());
            }
        }
    }

    @Test
    void baggageOfTheCurrentContextGoesOutUnlessTheApplicationSentItsOwn() throws Exception {
        TextMapPropagator both = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
                W3CBaggagePropagator.getInstance());
        try (RecordingTelemetry telemetry = new RecordingTelemetry(both);
                Scope ignored = Context.root().with(Baggage.builder().put("tenant", "acme").build()).makeCurrent()) {
            OutboundCalls calls = telemetry.calls();

            assertEquals("tenant=acme", send(calls, Map.of()).get("baggage"));
            Map<String, String> withOwn = send(calls, Map.of("baggage", "tenant=other"));
            assertFalse(withOwn.containsKey("baggage"), withOwn.toString());
            assertTrue(withOwn.containsKey("traceparent"));
        }
    }

    /** One call through the core; returns the headers the agent set. */
    private static Map<String, String> send(OutboundCalls calls, Map<String, String> applicationHeaders)
            throws Exception {
        Map<String, String> lowerCase = new HashMap<>();
        applicationHeaders.forEach((name, value) -> lowerCase.put(name.toLowerCase(), value));
        ClientRequest request = new ClientRequest("GET", URI.create("http://127.0.0.1:1/orders/1"),
                name -> lowerCase.get(name.toLowerCase()), false);
        LogicalCall call = calls.begin(request);
        ClientCall attempt = call.startAttempt(request, RetrySource.FIRST);
        Map<String, String> injected = new HashMap<>();
        call.inject(attempt, injected::put);
        call.endAttempt(attempt, 200, "1.1", null);
        call.end();
        return injected;
    }

    private static TextMapPropagator propagatorsFor(String otelPropagators) {
        Map<String, String> properties = new HashMap<>(Map.of("otel.traces.exporter", "none",
                "otel.metrics.exporter", "none", "otel.logs.exporter", "none"));
        if (otelPropagators != null) {
            properties.put("otel.propagators", otelPropagators);
        }
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> properties)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk()
                .getPropagators()
                .getTextMapPropagator();
    }

    private static Map<String, Boolean> fieldsOf(TextMapPropagator propagator) {
        Map<String, Boolean> has = new HashMap<>();
        for (String field : new String[] {"traceparent", "baggage", "b3", "uber-trace-id"}) {
            has.put(field, propagator.fields().contains(field));
        }
        return has;
    }
}
