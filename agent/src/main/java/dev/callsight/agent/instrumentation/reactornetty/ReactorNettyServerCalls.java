package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.bootstrap.ReactorNettyServerHook;
import dev.callsight.agent.core.server.HttpServerTracer;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** The glue between Reactor Netty's HTTP server and the core: the application's handler, traced. */
final class ReactorNettyServerCalls implements ReactorNettyServerHook {

    private final HttpServerTracer tracer;

    ReactorNettyServerCalls(HttpServerTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object handler(Object handler) {
        if (!(handler instanceof BiFunction) || handler instanceof TracedHandler) {
            return handler;
        }
        return new TracedHandler(tracer,
                (BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>) handler);
    }
}
