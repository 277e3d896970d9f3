package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Where an attempt's attributes go: to a sampler that reads them at the start, to a recording span otherwise. */
class HttpClientTracerTest {

    @Test
    void theSdksOwnSamplersDecideOnIdsAlone() {
        assertTrue(HttpClientTracer.decidesOnIdsAlone(Sampler.alwaysOn()));
        assertTrue(HttpClientTracer.decidesOnIdsAlone(Sampler.alwaysOff()));
        assertTrue(HttpClientTracer.decidesOnIdsAlone(Sampler.parentBased(Sampler.traceIdRatioBased(0.01))));
        assertTrue(HttpClientTracer.decidesOnIdsAlone(Sampler.parentBased(Sampler.alwaysOn())));
        assertFalse(HttpClientTracer.decidesOnIdsAlone(new AttributeSampler(new CopyOnWriteArrayList<>())));
        assertFalse(HttpClientTracer.decidesOnIdsAlone(Sampler.parentBased(new AttributeSampler(new CopyOnWriteArrayList<>()))));
    }

    @Test
    void aSamplerThatReadsAttributesGetsThemAtTheStart() {
        List<Attributes> seen = new CopyOnWriteArrayList<>();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(new AttributeSampler(seen))
                        // A provider without a processor hands out a no-op tracer.
                        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
                .build();
        HttpClientTracer tracer = new HttpClientTracer(sdk);
        ClientRequest request = new ClientRequest("GET", URI.create("http://payments.internal:8080/charge/42"), name -> null,
                false);
        tracer.startAttempt(request, Context.root(), 0, null, RetrySource.AGENT, null, false, "default");
        assertEquals(1, seen.size());
        assertEquals("payments.internal", seen.get(0).get(AttributeKey.stringKey("server.address")));
        assertEquals("/charge/{id}", seen.get(0).get(AttributeKey.stringKey("url.template")));
        sdk.close();
    }

    /** Samples what its attributes allow, and remembers what it was shown. */
    private static final class AttributeSampler implements Sampler {
        private final List<Attributes> seen;

        AttributeSampler(List<Attributes> seen) {
            this.seen = seen;
        }

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
            seen.add(attributes);
            return SamplingResult.drop();
        }

        @Override
        public String getDescription() {
            return "AttributeSampler";
        }
    }
}
