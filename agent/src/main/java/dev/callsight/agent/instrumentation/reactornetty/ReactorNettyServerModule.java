package dev.callsight.agent.instrumentation.reactornetty;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.ReactorNettyServerHook;
import dev.callsight.agent.core.ServerModule;
import dev.callsight.agent.core.glue.LibraryGlue;
import dev.callsight.agent.core.server.HttpServerTracer;
import java.util.List;
import java.util.function.BiFunction;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Reactor Netty's HTTP server (reactor-netty-http 1.0 and later; under Spring WebFlux and
 * gateways), wherever the application loads it: the handler the application installs with
 * HttpServer.handle (route builds on it) is replaced by one that traces each request.
 */
public final class ReactorNettyServerModule implements ServerModule {

    private final LibraryGlue glue = LibraryGlue.builder(name(), ReactorNettyServerModule.class)
            .anchor("reactor.netty.http.server.HttpServer").entry("ReactorNettyServerCalls").build();

    @Override
    public String name() {
        return "reactor-netty-server";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("reactor.netty.http.server.HttpServer");
    }

    @Override
    public void publish(HttpServerTracer tracer) {
        Hooks.installReactorNettyServer(
                glue.hooks("ReactorNettyServerCalls", ReactorNettyServerHook.class, HttpServerTracer.class, tracer));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named("reactor.netty.http.server.HttpServer"), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(ReactorNettyServerModule.class.getClassLoader())
                        .advice(named("handle").and(takesArguments(BiFunction.class)), HandleAdvice.class.getName()));
    }

    /** HttpServer.handle(handler): the handler is replaced by its traced form. */
    public static final class HandleAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("rawtypes")
        public static void onEnter(@Advice.Origin Class<?> origin,
                @Advice.Argument(value = 0, readOnly = false) BiFunction handler) {
            handler = (BiFunction) Hooks.reactorNettyServer(origin).handler(handler);
        }
    }
}
