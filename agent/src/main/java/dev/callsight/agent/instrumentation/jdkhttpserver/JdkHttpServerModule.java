package dev.callsight.agent.instrumentation.jdkhttpserver;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.ServerModule;
import dev.callsight.agent.core.server.HttpServerTracer;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The JDK's com.sun.net.httpserver (HttpServer and HttpsServer, module jdk.httpserver). The
 * server passes every exchange to its context's filters and handler through
 * Filter.Chain.doFilter, which the filters call again for the next link; the outermost call on
 * the dispatching thread makes the span, so filters never count twice.
 */
public final class JdkHttpServerModule implements ServerModule {

    @Override
    public String name() {
        return "jdk-httpserver";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("com.sun.net.httpserver.Filter$Chain");
    }

    @Override
    public void publish(HttpServerTracer tracer) {
        if (linked()) {
            Hooks.installJdkHttpServer(new JdkHttpServerCalls(tracer));
        }
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        if (!linked()) {
            return builder;
        }
        return builder
                .type(named("com.sun.net.httpserver.Filter$Chain"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdkHttpServerModule.class.getClassLoader())
                        .advice(named("doFilter").and(takesArguments(1))
                                        .and(takesArgument(0, named("com.sun.net.httpserver.HttpExchange"))),
                                ChainAdvice.class.getName()));
    }

    /** Filter.Chain.doFilter(exchange). */
    public static final class ChainAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Argument(0) Object exchange) {
            return Hooks.jdkHttpServer().enter(exchange, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object entered, @Advice.Thrown Throwable thrown) {
            Hooks.jdkHttpServer().exit(entered, thrown);
        }
    }

    /** A runtime linked without jdk.httpserver has nothing to instrument and the glue could not load. */
    private static boolean linked() {
        return ModuleLayer.boot().findModule("jdk.httpserver").isPresent();
    }
}
