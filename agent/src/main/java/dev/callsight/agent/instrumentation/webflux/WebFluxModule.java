package dev.callsight.agent.instrumentation.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.WebFluxHook;
import dev.callsight.agent.core.ServerModule;
import dev.callsight.agent.core.glue.LibraryGlue;
import dev.callsight.agent.core.server.HttpServerTracer;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Spring WebFlux (5 and 6), wherever the application loads it: the route its handler mappings
 * matched becomes the server span's {@code http.route}, for a server (Reactor Netty) that knows
 * no routes of its own.
 */
public final class WebFluxModule implements ServerModule {

    private final LibraryGlue glue = LibraryGlue.builder(name(), WebFluxModule.class)
            .anchor("org.springframework.web.reactive.DispatcherHandler").entry("WebFluxRoutes").build();

    @Override
    public String name() {
        return "spring-webflux";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("org.springframework.web.reactive.DispatcherHandler");
    }

    @Override
    public void publish(HttpServerTracer tracer) {
        Hooks.installWebFlux(glue.hooks("WebFluxRoutes", WebFluxHook.class, HttpServerTracer.class, tracer));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named("org.springframework.web.reactive.DispatcherHandler"), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(WebFluxModule.class.getClassLoader())
                        .advice(named("handle").and(takesArguments(1)), HandleAdvice.class.getName()));
    }

    /** DispatcherHandler.handle(exchange). */
    public static final class HandleAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object exchange) {
            Hooks.webFlux(origin).dispatching(exchange);
        }
    }
}
