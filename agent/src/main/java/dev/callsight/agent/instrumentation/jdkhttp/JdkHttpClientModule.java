package dev.callsight.agent.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.JdkHttpClientHook;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * java.net.http.HttpClient (Java 11+): {@code send} and {@code sendAsync}, HTTP/1.1 and HTTP/2
 * alike, since both go through these two entry points; and the builder, which gets the catch-all
 * policy's connect timeout, since a client fixes its connect timeout when it is built.
 */
public final class JdkHttpClientModule implements InstrumentationModule {

    @Override
    public String name() {
        return "jdk-httpclient";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("jdk.internal.net.http.HttpClientBuilderImpl", "jdk.internal.net.http.HttpClientImpl",
                "jdk.internal.net.http.HttpClientFacade", "jdk.internal.net.http.MultiExchange");
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.install(new JdkHttpClientCalls(calls));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                // The JDK's client and the facade it hands out; a name match costs nothing per loaded class.
                .type(namedOneOf("jdk.internal.net.http.HttpClientImpl", "jdk.internal.net.http.HttpClientFacade"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdkHttpClientModule.class.getClassLoader())
                        .advice(namedOneOf("send", "sendAsync").and(isPublic())
                                        .and(takesArgument(0, named("java.net.http.HttpRequest"))),
                                SendAdvice.class.getName()))
                // The exchange that sends a request again on the client's own account (redirects,
                // a retry on a connection found closed); the fields are the JDK's since Java 11.
                .type(named("jdk.internal.net.http.MultiExchange"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdkHttpClientModule.class.getClassLoader())
                        .advice(named("responseAsyncImpl").and(takesArguments(0)), ExchangeAttemptAdvice.class.getName()))
                .type(named("jdk.internal.net.http.HttpClientBuilderImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdkHttpClientModule.class.getClassLoader())
                        .advice(named("build").and(takesArguments(0)), BuildAdvice.class.getName()));
    }

    /**
     * send and sendAsync: every attempt sends a copy of the request with its own context headers
     * and timeout. A call the policy refuses skips the method and throws (send) or returns a
     * failed future (sendAsync); a send the agent retries runs again after the backoff.
     */
    public static final class SendAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.This Object client,
                @Advice.Argument(value = 0, readOnly = false) HttpRequest request,
                @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object bodyHandler) {
            JdkHttpClientHook hook = Hooks.jdkHttpClient();
            Object call = hook.enter(client, request, bodyHandler);
            request = (HttpRequest) hook.requestToSend(call, request);
            bodyHandler = hook.bodyHandlerToUse(call, bodyHandler);
            return call;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class,
                repeatOn = Advice.OnNonDefaultValue.class)
        public static boolean onExit(@Advice.Enter Object call, @Advice.Origin("#m") String method,
                @Advice.Argument(value = 0, readOnly = false) HttpRequest request,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            JdkHttpClientHook hook = Hooks.jdkHttpClient();
            boolean async = "sendAsync".equals(method);
            if (hook.exit(call, async, returned, thrown)) {
                request = (HttpRequest) hook.requestToSend(call, request);
                returned = null;
                thrown = null;
                return true;
            }
            returned = hook.returned(call, async, returned);
            thrown = hook.thrown(call, thrown);
            return false;
        }
    }

    /** Each time the exchange sends, before it counts the attempt. */
    public static final class ExchangeAttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.FieldValue("userRequest") Object userRequest,
                @Advice.FieldValue("attempts") AtomicInteger attempts,
                @Advice.FieldValue("currentreq") Object request,
                @Advice.FieldValue("retryCause") Throwable retryCause,
                @Advice.FieldValue("response") Object previousResponse) {
            Hooks.jdkHttpClient().exchangeAttempt(userRequest, attempts.get(), request, retryCause, previousResponse);
        }
    }

    /** HttpClient.Builder.build: the connect timeout, where the application set none or a longer one. */
    public static final class BuildAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.FieldValue(value = "connectTimeout", readOnly = false) Duration connectTimeout) {
            connectTimeout = Hooks.jdkHttpClient().connectTimeout(connectTimeout);
        }
    }
}
