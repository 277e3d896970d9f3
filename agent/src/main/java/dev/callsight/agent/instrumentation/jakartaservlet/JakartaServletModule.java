package dev.callsight.agent.instrumentation.jakartaservlet;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.ClassLoaderSees;
import dev.callsight.agent.core.HttpServerTracer;
import dev.callsight.agent.core.ServerModule;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Servlet containers on the jakarta.servlet API (Servlet 5 and 6: Tomcat 10+, Jetty 11+,
 * Undertow 2.3+). Every Servlet.service and Filter.doFilter is an entry point, so a request is
 * traced whether a filter answers it or a servlet does; the outermost one on the thread makes
 * the span. The glue links against the servlet API through the agent's own (system) class
 * loader, so requests are traced when the API is on the application class path, as with an
 * embedded container; a container that loads the API in a class loader of its own (a WAR in a
 * standalone Tomcat) is left alone.
 */
public final class JakartaServletModule implements ServerModule {

    private static final String REQUEST = "jakarta.servlet.ServletRequest";
    private static final String RESPONSE = "jakarta.servlet.ServletResponse";

    @Override
    public String name() {
        return "servlet-jakarta";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, HttpServerTracer tracer) {
        if (JakartaServletModule.class.getClassLoader().getResource("jakarta/servlet/http/HttpServletRequest.class") == null) {
            return builder;
        }
        Hooks.installJakartaServlet(new JakartaServletCalls(tracer));
        return builder
                .type(not(isInterface()).and(hasSuperType(named("jakarta.servlet.Servlet"))),
                        new ClassLoaderSees("jakarta.servlet.Servlet"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JakartaServletModule.class.getClassLoader())
                        .advice(named("service").and(takesArguments(2)).and(takesArgument(0, named(REQUEST)))
                                        .and(takesArgument(1, named(RESPONSE))).and(not(isAbstract())),
                                EntryAdvice.class.getName()))
                .type(not(isInterface()).and(hasSuperType(named("jakarta.servlet.Filter"))),
                        new ClassLoaderSees("jakarta.servlet.Filter"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JakartaServletModule.class.getClassLoader())
                        .advice(named("doFilter").and(takesArguments(3)).and(takesArgument(0, named(REQUEST)))
                                        .and(takesArgument(1, named(RESPONSE))).and(not(isAbstract())),
                                EntryAdvice.class.getName()));
    }

    /** Servlet.service(request, response) and Filter.doFilter(request, response, chain). */
    public static final class EntryAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
            return Hooks.jakartaServlet().enter(request, response);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object entered, @Advice.Thrown Throwable thrown) {
            Hooks.jakartaServlet().exit(entered, thrown);
        }
    }
}
