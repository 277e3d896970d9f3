package dev.callsight.agent.bootstrap;

/** Called by advice inlined into Spring WebFlux's DispatcherHandler as it handles an exchange. */
public interface WebFluxHook {

    WebFluxHook NONE = exchange -> {};

    /** The exchange is about to be dispatched, in the context of the request's server span. */
    void dispatching(Object exchange);
}
