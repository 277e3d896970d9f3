package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The root decision taken from a trace id's longs is the SDK sampler's own, or there is none. */
class RootDecisionTest {

    @Test
    void decidesAsTheSdksSamplersDoOnEveryTraceId() {
        List<Sampler> samplers = List.of(Sampler.traceIdRatioBased(0.01), Sampler.traceIdRatioBased(0.25),
                Sampler.traceIdRatioBased(0.123456789), Sampler.traceIdRatioBased(0), Sampler.traceIdRatioBased(1),
                Sampler.alwaysOn(), Sampler.alwaysOff(), Sampler.parentBased(Sampler.traceIdRatioBased(0.01)),
                Sampler.parentBased(Sampler.alwaysOff()));
        SplittableRandom random = new SplittableRandom(7);
        for (Sampler sampler : samplers) {
            RootDecision decision = RootDecision.of(sampler);
            assertNotNull(decision, sampler.getDescription());
            int kept = 0;
            for (int i = 0; i < 20_000; i++) {
                long high = random.nextLong();
                long low = i == 0 ? Long.MIN_VALUE : i == 1 ? Long.MAX_VALUE : random.nextLong();
                boolean sdk = sampler.shouldSample(Context.root(), TraceId.fromLongs(high, low), "GET",
                        SpanKind.CLIENT, Attributes.empty(), List.of()).getDecision() != SamplingDecision.DROP;
                assertEquals(sdk, decision.keeps(low), sampler.getDescription() + " on " + TraceId.fromLongs(high, low));
                kept += sdk ? 1 : 0;
            }
            if (sampler.getDescription().contains("0.25")) {
                // Binomial(20000, 0.25): mean 5000, standard deviation 61; the search found the ratio's own bound.
                assertEquals(5000, kept, 400);
            }
        }
    }

    @Test
    void aSamplerThatReadsOtherBitsGetsNoShortcut() {
        Sampler highBits = new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
                    Attributes attributes, List<LinkData> links) {
                return SamplingResult.create(traceId.charAt(0) < '8' ? SamplingDecision.RECORD_AND_SAMPLE
                        : SamplingDecision.DROP);
            }

            @Override
            public String getDescription() {
                return "HighBits";
            }
        };
        assertNull(RootDecision.of(highBits));
    }
}
