package dev.callsight.agent.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where a servlet API's requests enter the application: every Servlet.service(request, response) and
 * Filter.doFilter(request, response, chain), so a request is traced whether a filter answers it or a servlet does.
 */
public final class ServletEntryPoints {

    private ServletEntryPoints() {}

    /**
     * @param apiPackage {@code javax.servlet} or {@code jakarta.servlet}
     * @param advice the module's advice class, which calls the module's hook
     */
    public static AgentBuilder instrument(AgentBuilder builder, String apiPackage,
            ElementMatcher<? super ClassLoader> loaders, Class<?> advice) {
        String request = apiPackage + ".ServletRequest";
        String response = apiPackage + ".ServletResponse";
        return builder
                .type(not(isInterface()).and(hasSuperType(named(apiPackage + ".Servlet"))), loaders)
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(advice.getClassLoader())
                        .advice(named("service").and(takesArguments(2)).and(takesArgument(0, named(request)))
                                        .and(takesArgument(1, named(response))).and(not(isAbstract())),
                                advice.getName()))
                .type(not(isInterface()).and(hasSuperType(named(apiPackage + ".Filter"))), loaders)
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(advice.getClassLoader())
                        .advice(named("doFilter").and(takesArguments(3)).and(takesArgument(0, named(request)))
                                        .and(takesArgument(1, named(response))).and(not(isAbstract())),
                                advice.getName()));
    }
}
