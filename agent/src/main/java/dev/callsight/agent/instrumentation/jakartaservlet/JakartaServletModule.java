package dev.callsight.agent.instrumentation.jakartaservlet;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.ServerHook;
import dev.callsight.agent.core.ServerModule;
import dev.callsight.agent.core.glue.LibraryGlue;
import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.instrumentation.servlet.ServletEntryPoints;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Servlet containers on the jakarta.servlet API (Servlet 5 and 6: Tomcat 10+, Jetty 11+,
 * Undertow 2.3+). Every Servlet.service and Filter.doFilter is an entry point, so a request is
 * traced whether a filter answers it or a servlet does; the outermost one on the thread makes
 * the span. The glue is defined for each copy of the servlet API ({@link LibraryGlue}): an
 * embedded container on the class path or in a Spring Boot jar, a standalone server's own loader.
 */
public final class JakartaServletModule implements ServerModule {

    private final LibraryGlue glue = LibraryGlue.builder(name(), JakartaServletModule.class)
            .anchor("jakarta.servlet.Servlet").entry("JakartaServletCalls").build();

    @Override
    public String name() {
        return "servlet-jakarta";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("jakarta.servlet.");
    }

    @Override
    public void publish(HttpServerTracer tracer) {
        Hooks.installJakartaServlet(glue.hooks("JakartaServletCalls", ServerHook.class, HttpServerTracer.class, tracer));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return ServletEntryPoints.instrument(builder, "jakarta.servlet", glue.loaders(), EntryAdvice.class);
    }

    /** Servlet.service(request, response) and Filter.doFilter(request, response, chain). */
    public static final class EntryAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
            return Hooks.jakartaServlet(origin).enter(request, response);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object entered, @Advice.Thrown Throwable thrown) {
            Hooks.jakartaServlet(origin).exit(entered, thrown);
        }
    }
}
