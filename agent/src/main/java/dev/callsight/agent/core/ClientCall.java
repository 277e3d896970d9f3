package dev.callsight.agent.core;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request attempt in flight: its span, the context that travels in its headers, and the
 * attributes its duration will be recorded under. It ends exactly once, whichever of a client's
 * completion paths (return, exception, async callback) gets there first.
 */
public final class ClientCall {

    private final Span span;
    private final Context context;
    private final Attributes metricAttributes;
    private final boolean applicationContext;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();

    ClientCall(Span span, Context context, Attributes metricAttributes, boolean applicationContext, long startNanos) {
        this.span = span;
        this.context = context;
        this.metricAttributes = metricAttributes;
        this.applicationContext = applicationContext;
        this.startNanos = startNanos;
    }

    Span span() {
        return span;
    }

    Context context() {
        return context;
    }

    Attributes metricAttributes() {
        return metricAttributes;
    }

    /** True when the application sent its own traceparent, which must then be left as it is. */
    public boolean continuesApplicationContext() {
        return applicationContext;
    }

    long startNanos() {
        return startNanos;
    }

    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }
}
