package dev.callsight.agent.instrumentation.webflux;

import dev.callsight.agent.bootstrap.WebFluxHook;
import dev.callsight.agent.core.server.FrameworkRoute;
import dev.callsight.agent.core.server.HttpServerTracer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * The glue between Spring WebFlux and the core: the request's route is read off the exchange
 * when the request ends, where the handler mapping left its best matching pattern.
 */
final class WebFluxRoutes implements WebFluxHook {

    /** Taken for the glue's constructor signature; the route goes to the server glue's call, not to the tracer. */
    WebFluxRoutes(HttpServerTracer tracer) {
    }

    @Override
    public void dispatching(Object exchange) {
        FrameworkRoute route = FrameworkRoute.current();
        if (route == null || !(exchange instanceof ServerWebExchange)) {
            return;
        }
        ServerWebExchange dispatched = (ServerWebExchange) exchange;
        route.matchedBy(() -> {
            Object pattern = dispatched.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            return pattern == null ? null : pattern.toString();
        });
    }
}
