package dev.callsight.agent.core.server;

import dev.callsight.agent.core.context.CarriedContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One inbound request in flight: its SERVER span, the scope that makes the span current on the
 * thread handling it, and the attributes its duration is recorded under. The scope is closed by
 * the thread that opened it when the handler returns; the span ends once, then or later when
 * an asynchronous response completes.
 */
public final class ServerCall {

    private final Span span;
    private final Context context;
    private final Scope scope;
    private final Attributes metricAttributes;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();

    ServerCall(Span span, Context context, Scope scope, Attributes metricAttributes, long startNanos) {
        this.span = span;
        this.context = context;
        this.scope = scope;
        this.metricAttributes = metricAttributes;
        this.startNanos = startNanos;
    }

    Span span() {
        return span;
    }

    /**
     * The request's context (its span and the caller's baggage) for a server that carries it
     * along a reactive chain, with the holder a framework's glue names the matched route in.
     */
    public CarriedContext carried(FrameworkRoute route) {
        return new CarriedContext(route.storeIn(context));
    }

    Attributes metricAttributes() {
        return metricAttributes;
    }

    long startNanos() {
        return startNanos;
    }

    /** Takes the span off the current thread; must run on the thread that started the call. */
    public void detach() {
        scope.close();
    }

    /** True for the first caller only: whoever gets true ends the call. */
    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }
}
