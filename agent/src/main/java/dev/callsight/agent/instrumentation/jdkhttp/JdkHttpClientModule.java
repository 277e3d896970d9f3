package dev.callsight.agent.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.HttpClientTracer;
import dev.callsight.agent.core.InstrumentationModule;
import java.net.http.HttpRequest;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * java.net.http.HttpClient (Java 11+): {@code send} and {@code sendAsync}, HTTP/1.1 and HTTP/2
 * alike, since both go through these two entry points.
 */
public final class JdkHttpClientModule implements InstrumentationModule {

    @Override
    public String name() {
        return "jdk-httpclient";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, HttpClientTracer tracer) {
        Hooks.install(new JdkHttpClientCalls(tracer));
        return builder
                // The JDK's client and the facade it hands out; a name match costs nothing per loaded class.
                .type(namedOneOf("jdk.internal.net.http.HttpClientImpl", "jdk.internal.net.http.HttpClientFacade"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdkHttpClientModule.class.getClassLoader())
                        .advice(namedOneOf("send", "sendAsync").and(isPublic())
                                        .and(takesArgument(0, named("java.net.http.HttpRequest"))),
                                SendAdvice.class.getName()));
    }

    /**
     * send and sendAsync: the request sent is a copy with the context headers; the span ends when
     * send returns or throws, or when sendAsync's future completes.
     */
    public static final class SendAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
            Object call = Hooks.jdkHttpClient().enter(request);
            request = (HttpRequest) Hooks.jdkHttpClient().requestToSend(call, request);
            return call;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object call, @Advice.Origin("#m") String method,
                @Advice.Return Object returned, @Advice.Thrown Throwable thrown) {
            Hooks.jdkHttpClient().exit(call, "sendAsync".equals(method), returned, thrown);
        }
    }
}
