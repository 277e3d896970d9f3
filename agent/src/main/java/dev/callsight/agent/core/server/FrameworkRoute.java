package dev.callsight.agent.core.server;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.function.Supplier;

/**
 * Where a server that knows no routes learns the route a web framework matched: the server's
 * glue puts one in the request's context, the framework's glue (another library, another glue
 * loader) tells it how to read the matched route, and the server's glue asks when the request ends.
 */
public final class FrameworkRoute {

    private static final ContextKey<FrameworkRoute> KEY = ContextKey.named("callsight-framework-route");

    private volatile Supplier<String> matched;

    /** The request's context with this in it. */
    Context storeIn(Context context) {
        return context.with(KEY, this);
    }

    /** The route of the request whose context is current, or null outside one. */
    public static FrameworkRoute current() {
        return Context.current().get(KEY);
    }

    /** How to read the route the framework matched, once it has. */
    public void matchedBy(Supplier<String> route) {
        this.matched = route;
    }

    /** The matched route, or null when the framework matched none or is not there. */
    public String get() {
        Supplier<String> route = matched;
        try {
            return route == null ? null : route.get();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
