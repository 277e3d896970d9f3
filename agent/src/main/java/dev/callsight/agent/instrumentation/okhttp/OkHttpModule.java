package dev.callsight.agent.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.OkHttpHook;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.glue.LibraryGlue;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * OkHttp 3.12 and later 3.x, and 4.x; 3.12 is the first release with a call timeout and with
 * per-call connect and read timeouts (Chain.withConnectTimeout, withReadTimeout), which the
 * policies need. Two hook points, both present under the same names in every supported release:
 * the OkHttpClient(Builder) constructor, through which every client is made, adds the agent's
 * interceptors to the builder; and OkHttp's ConnectInterceptor, which runs
 * once per physical attempt (OkHttp's own retries and redirects included) and encloses the
 * connection, the network interceptors and the exchange. An attempt starts there rather than in
 * a network interceptor because a connection that fails never reaches the network interceptors.
 * The glue is defined for each copy of OkHttp the application loads ({@link LibraryGlue}); a
 * release without the calls the glue makes (before 3.12) is left alone.
 */
public final class OkHttpModule implements InstrumentationModule {

    private final LibraryGlue glue = LibraryGlue.builder(name(), OkHttpModule.class)
            .anchor("okhttp3.OkHttpClient").entry("OkHttpCalls").build();

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of("okhttp3.OkHttpClient", "okhttp3.internal.connection.ConnectInterceptor");
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.installOkHttp(glue.hooks("OkHttpCalls", OkHttpHook.class, OutboundCalls.class, calls));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named("okhttp3.OkHttpClient"), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(OkHttpModule.class.getClassLoader())
                        .advice(isConstructor().and(takesArguments(1))
                                        .and(takesArgument(0, named("okhttp3.OkHttpClient$Builder"))),
                                ClientAdvice.class.getName()))
                .type(named("okhttp3.internal.connection.ConnectInterceptor"), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(OkHttpModule.class.getClassLoader())
                        .advice(named("intercept").and(takesArguments(1))
                                        .and(takesArgument(0, named("okhttp3.Interceptor$Chain"))),
                                AttemptAdvice.class.getName()))
                // Where 3.14 and later open an attempt's response body; earlier releases rebuild the response.
                .type(named("okhttp3.internal.connection.Exchange"), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(OkHttpModule.class.getClassLoader())
                        .advice(named("openResponseBody").and(takesArguments(1))
                                        .and(takesArgument(0, named("okhttp3.Response"))),
                                BodyAdvice.class.getName()));
    }

    /** OkHttpClient(Builder): runs before the constructor copies the builder's interceptor lists. */
    public static final class ClientAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object builder) {
            Hooks.okHttp(origin).clientBuilding(builder);
        }
    }

    /** ConnectInterceptor.intercept: one physical attempt. */
    public static final class AttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object chain) {
            return Hooks.okHttp(origin).attemptStarting(chain);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object attempt,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response,
                @Advice.Thrown Throwable thrown) {
            response = Hooks.okHttp(origin).attemptEnded(attempt, response, thrown);
        }
    }

    /** Exchange.openResponseBody: the attempt's body, wrapped where it is made. */
    public static final class BodyAdvice {

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object response,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object body) {
            body = Hooks.okHttp(origin).responseBody(response, body);
        }
    }
}
