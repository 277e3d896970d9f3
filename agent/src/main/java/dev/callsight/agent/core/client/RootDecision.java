package dev.callsight.agent.core.client;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sampler's decision on a root call, taken from the trace id's two longs, so that a dropped root call never spells
 * its trace id out twice. The SDK's trace-id ratio sampler keeps a trace when the absolute value of its id's low 64 bits
 * is below a bound; always-on and always-off are the two ends. The bound is found by asking the sampler itself, a
 * binary search over the low bits, and then checked against the sampler on random ids: a sampler that answers
 * otherwise gets no decision here ({@link #of} returns null), and the caller takes the SDK's path.
 */
final class RootDecision {

    private static final int CHECKS = 64;

    private final Sampler sampler;
    /** Kept when {@code Math.abs(low) < bound}, as the ratio sampler decides; unused when {@link #always}. */
    private final long bound;
    private final boolean always;

    private RootDecision(Sampler sampler, long bound, boolean always) {
        this.sampler = sampler;
        this.bound = bound;
        this.always = always;
    }

    /** The decision the sampler makes on root calls, or null when it does not decide on the low bits alone. */
    static RootDecision of(Sampler sampler) {
        RootDecision decision;
        if (!keeps(sampler, 1, 0)) {
            decision = new RootDecision(sampler, Long.MIN_VALUE, false);
        } else if (keeps(sampler, 1, Long.MAX_VALUE)) {
            decision = new RootDecision(sampler, 0, true);
        } else {
            long kept = 0;
            long dropped = Long.MAX_VALUE;
            while (dropped - kept > 1) {
                long middle = kept + (dropped - kept) / 2;
                if (keeps(sampler, 1, middle)) {
                    kept = middle;
                } else {
                    dropped = middle;
                }
            }
            decision = new RootDecision(sampler, dropped, false);
        }
        return decision.agreesWithTheSampler() ? decision : null;
    }

    /** Whether the sampler keeps a root call whose trace id's low 64 bits are {@code low}. */
    boolean keeps(long low) {
        return always || Math.abs(low) < bound;
    }

    private boolean agreesWithTheSampler() {
        SplittableRandom random = new SplittableRandom(CHECKS);
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1, bound - 1, bound, bound + 1, -bound, 1 - bound};
        for (long low : edges) {
            if (low != 0 && keeps(sampler, random.nextLong(), low) != keeps(low)) {
                return false;
            }
        }
        for (int i = 0; i < CHECKS; i++) {
            long low = random.nextLong();
            if (low != 0 && keeps(sampler, random.nextLong(), low) != keeps(low)) {
                return false;
            }
        }
        return true;
    }

    private static boolean keeps(Sampler sampler, long high, long low) {
        return sampler.shouldSample(Context.root(), TraceId.fromLongs(high, low), "root", SpanKind.CLIENT,
                Attributes.empty(), List.of()).getDecision() != SamplingDecision.DROP;
    }
}
