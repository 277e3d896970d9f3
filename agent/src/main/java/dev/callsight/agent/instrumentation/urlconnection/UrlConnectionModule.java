package dev.callsight.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.UrlConnectionHook;
import dev.callsight.agent.core.HttpClientTracer;
import dev.callsight.agent.core.InstrumentationModule;
import java.net.HttpURLConnection;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * java.net.HttpURLConnection, http and https (the https implementation delegates to a
 * subclass of the http one). A request starts at the first of connect, getOutputStream or
 * getInputStream and ends when getInputStream returns or any of them throws.
 */
public final class UrlConnectionModule implements InstrumentationModule {

    @Override
    public String name() {
        return "httpurlconnection";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, HttpClientTracer tracer) {
        Hooks.install(new UrlConnectionCalls(tracer));
        return builder
                // The JDK's implementations (https delegates to a subclass of the http one) and the
                // base class, which implements getResponseCode; a name match costs nothing per loaded class.
                .type(namedOneOf("java.net.HttpURLConnection", "sun.net.www.protocol.http.HttpURLConnection",
                        "sun.net.www.protocol.https.HttpsURLConnectionImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(UrlConnectionModule.class.getClassLoader())
                        .advice(namedOneOf("connect", "getOutputStream", "getInputStream")
                                        .and(isPublic()).and(takesArguments(0)).and(not(isAbstract())),
                                ConnectionAdvice.class.getName())
                        .advice(named("getResponseCode").and(isPublic()).and(takesArguments(0)).and(not(isAbstract())),
                                ResponseCodeAdvice.class.getName()));
    }

    /** connect, getOutputStream, getInputStream. */
    public static final class ConnectionAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static boolean onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter boolean outermost,
                @Advice.Origin("#m") String method, @Advice.Thrown Throwable thrown) {
            Hooks.urlConnection().exit(connection, outermost, "getInputStream".equals(method), UrlConnectionHook.UNKNOWN_STATUS,
                    thrown);
        }
    }

    /**
     * getResponseCode ends the request too: the https implementation answers it from an inner
     * connection, so waiting for getInputStream on the outer one would never end the span.
     */
    public static final class ResponseCodeAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static boolean onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter boolean outermost,
                @Advice.Return int code, @Advice.Thrown Throwable thrown) {
            Hooks.urlConnection().exit(connection, outermost, true, thrown == null ? code : UrlConnectionHook.UNKNOWN_STATUS, thrown);
        }
    }
}
