package dev.callsight.agent.core.client;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request attempt in flight: its span, the context that travels in its headers, and the
 * attributes its duration will be recorded under. It ends exactly once, whichever of a client's
 * completion paths (return, exception, async callback) gets there first.
 */
public final class ClientCall {

    private final Span span;
    private final Context context;
    private final CallSite site;
    private final boolean applicationContext;
    private final long startNanos;
    /** 1 once ended; a field rather than an AtomicBoolean, one object fewer per attempt. */
    private volatile int ended;
    private static final AtomicIntegerFieldUpdater<ClientCall> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(ClientCall.class, "ended");

    ClientCall(Span span, Context context, CallSite site, boolean applicationContext, long startNanos) {
        this.span = span;
        this.context = context;
        this.site = site;
        this.applicationContext = applicationContext;
        this.startNanos = startNanos;
    }

    Span span() {
        return span;
    }

    Context context() {
        return context;
    }

    CallSite site() {
        return site;
    }

    /** The attributes of the attempt's duration before its outcome is known. */
    Attributes metricAttributes() {
        return site.metricAttributes;
    }

    /** True when the application sent its own traceparent, which must then be left as it is. */
    public boolean continuesApplicationContext() {
        return applicationContext;
    }

    long startNanos() {
        return startNanos;
    }

    boolean markEnded() {
        return ENDED.compareAndSet(this, 0, 1);
    }
}
