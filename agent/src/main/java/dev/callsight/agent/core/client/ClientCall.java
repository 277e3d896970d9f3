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
    /**
     * The header the attempt carries, written without the propagators ({@link UnsampledAttempts}): a dropped attempt's,
     * which has no span of its own, or a recorded one's whose trace state is empty; else null.
     */
    private final String traceparent;
    /** 1 once ended; a field rather than an AtomicBoolean, one object fewer per attempt. */
    private volatile int ended;
    private static final AtomicIntegerFieldUpdater<ClientCall> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(ClientCall.class, "ended");

    ClientCall(Span span, Context context, CallSite site, boolean applicationContext, long startNanos) {
        this(span, context, site, applicationContext, startNanos, null);
    }

    /** A dropped attempt: no span (the invalid one stands in), the parent's context, and its own traceparent. */
    ClientCall(Context parent, CallSite site, boolean applicationContext, long startNanos, String traceparent) {
        this(Span.getInvalid(), parent, site, applicationContext, startNanos, traceparent);
    }

    ClientCall(Span span, Context context, CallSite site, boolean applicationContext, long startNanos,
            String traceparent) {
        this.span = span;
        this.context = context;
        this.site = site;
        this.applicationContext = applicationContext;
        this.startNanos = startNanos;
        this.traceparent = traceparent;
    }

    Span span() {
        return span;
    }

    Context context() {
        return context;
    }

    /** The traceparent written for the attempt, or null when the propagators write its headers. */
    String traceparent() {
        return traceparent;
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
