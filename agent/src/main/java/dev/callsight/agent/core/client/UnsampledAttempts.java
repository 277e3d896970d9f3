package dev.callsight.agent.core.client;

import dev.callsight.agent.core.export.RootTraceIds;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.internal.OtelEncodingUtils;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The attempt the sampler drops, at almost no cost. With a sampler that decides on ids alone (parent-based with a
 * trace-id ratio, what a service at tens of thousands of calls a second runs) and the W3C propagators, an attempt
 * needs no span to be decided: the sampler is asked with the parent's trace id, or with one drawn for a root call. A
 * dropped attempt then gets no SDK span, no context copy and no id strings but its traceparent, written straight
 * from its ids with the sampled flag off, so the services it calls follow the decision. A root call's ids are drawn
 * as longs and decided on as such ({@link RootDecision}); a sampled root starts its span with the trace id drawn
 * here ({@link RootTraceIds}), so the SDK's sampler decides the same again.
 */
final class UnsampledAttempts {

    static final String TRACEPARENT = "traceparent";
    private static final Set<String> TRACE_CONTEXT = Set.of(TRACEPARENT, "tracestate");
    private static final Set<String> TRACE_CONTEXT_AND_BAGGAGE = Set.of(TRACEPARENT, "tracestate", "baggage");
    /** "00-" trace id "-" span id "-00". */
    private static final int LENGTH = 55;

    private final Sampler sampler;
    private final RootDecision roots;
    private final RootTraceIds rootIds;
    /** The baggage propagator when the agent propagates baggage, else null. */
    private final TextMapPropagator baggage;
    private final ThreadLocal<char[]> buffers = ThreadLocal.withInitial(() -> new char[LENGTH]);

    private UnsampledAttempts(Sampler sampler, RootDecision roots, RootTraceIds rootIds, TextMapPropagator baggage) {
        this.sampler = sampler;
        this.roots = roots;
        this.rootIds = rootIds;
        this.baggage = baggage;
    }

    /**
     * The shortcut for this SDK, or null where it does not apply: another sampler, one whose root decision is not the
     * ratio sampler's, other propagators, no root ids.
     */
    static UnsampledAttempts of(OpenTelemetry openTelemetry, RootTraceIds rootIds) {
        if (rootIds == null || !(openTelemetry instanceof OpenTelemetrySdk)) {
            return null;
        }
        Sampler sampler = ((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider().getSampler();
        Set<String> fields = Set.copyOf(openTelemetry.getPropagators().getTextMapPropagator().fields());
        if (!HttpClientTracer.decidesOnIdsAlone(sampler)
                || !(fields.equals(TRACE_CONTEXT) || fields.equals(TRACE_CONTEXT_AND_BAGGAGE))) {
            return null;
        }
        RootDecision roots = RootDecision.of(sampler);
        return roots == null ? null : new UnsampledAttempts(sampler, roots, rootIds,
                fields.contains("baggage") ? W3CBaggagePropagator.getInstance() : null);
    }

    /**
     * The traceparent of an attempt the sampler drops; null when it keeps it (a root then starts with the trace id
     * drawn here) or when the parent carries a tracestate, which only a span carries on.
     */
    String droppedTraceparent(Context parent, String spanName) {
        SpanContext parentSpan = Span.fromContext(parent).getSpanContext();
        if (!parentSpan.getTraceState().isEmpty()) {
            return null;
        }
        char[] chars = buffers.get();
        if (parentSpan.isValid()) {
            String traceId = parentSpan.getTraceId();
            if (sampler.shouldSample(parent, traceId, spanName, SpanKind.CLIENT, Attributes.empty(), List.of())
                    .getDecision() != SamplingDecision.DROP) {
                return null;
            }
            traceId.getChars(0, 32, chars, 3);
        } else {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long high = random.nextLong();
            long low = nonZero(random);
            if (roots.keeps(low)) {
                rootIds.startNextWith(TraceId.fromLongs(high, low));
                return null;
            }
            OtelEncodingUtils.longToBase16String(high, chars, 3);
            OtelEncodingUtils.longToBase16String(low, chars, 19);
        }
        OtelEncodingUtils.longToBase16String(nonZero(ThreadLocalRandom.current()), chars, 36);
        return traceparent(chars, '0');
    }

    /** The traceparent of a span the sampler kept, as the W3C propagator writes it for an empty trace state. */
    String keptTraceparent(SpanContext span) {
        char[] chars = buffers.get();
        span.getTraceId().getChars(0, 32, chars, 3);
        span.getSpanId().getChars(0, 16, chars, 36);
        return traceparent(chars, '1');
    }

    /** The header from the ids already in place, with the version, the dashes and the sampled flag. */
    private static String traceparent(char[] chars, char sampled) {
        chars[0] = '0';
        chars[1] = '0';
        chars[2] = '-';
        chars[35] = '-';
        chars[52] = '-';
        chars[53] = '0';
        chars[54] = sampled;
        return new String(chars);
    }

    /** A random id part as the SDK's generator draws it: never zero, so the id is valid. */
    private static long nonZero(ThreadLocalRandom random) {
        long value;
        do {
            value = random.nextLong();
        } while (value == 0);
        return value;
    }

    /** The propagator of the baggage a dropped attempt still carries, or null when the agent propagates none. */
    TextMapPropagator baggage() {
        return baggage;
    }
}
