package dev.callsight.agent.instrumentation.reactornetty;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.bootstrap.ReactorNettyClientHook;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.glue.LibraryGlue;
import java.util.function.BiFunction;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.netty.http.client.HttpClient;

/**
 * Reactor Netty's HTTP client (reactor-netty-http 1.0 and later; under Spring's WebClient and
 * gateways), wherever the application loads it ({@link LibraryGlue}). Each of
 * HttpClientFinalizer's response methods is answered by the same method of a traced copy of the
 * client, as OpenTelemetry's agent does.
 */
public final class ReactorNettyClientModule implements InstrumentationModule {

    private static final String FINALIZER = "reactor.netty.http.client.HttpClientFinalizer";

    @Override
    public String name() {
        return "reactor-netty-client";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, OutboundCalls calls) {
        LibraryGlue glue = LibraryGlue.builder(name(), ReactorNettyClientModule.class)
                .anchor("reactor.netty.http.client.HttpClient").entry("ReactorNettyClientCalls").build();
        Hooks.installReactorNettyClient(
                glue.hooks("ReactorNettyClientCalls", ReactorNettyClientHook.class, OutboundCalls.class, calls));
        return builder
                .type(named(FINALIZER), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(ReactorNettyClientModule.class.getClassLoader())
                        .advice(named("response").and(takesArguments(0)), ResponseAdvice.class.getName())
                        .advice(named("response").and(takesArguments(1)).and(takesArgument(0, BiFunction.class)),
                                ResponseFunctionAdvice.class.getName())
                        .advice(named("responseConnection").and(takesArguments(1)), ResponseConnectionAdvice.class.getName())
                        .advice(named("responseContent").and(takesArguments(0)).and(returns(named("reactor.netty.ByteBufFlux"))),
                                ResponseContentAdvice.class.getName())
                        .advice(named("responseSingle").and(takesArguments(1)), ResponseSingleAdvice.class.getName()));
    }

    /** response(): skipped and answered by the traced copy. */
    public static final class ResponseAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object traced,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = ((HttpClient.ResponseReceiver<?>) traced).response();
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }

    /** response(receiver): as {@link ResponseAdvice}. */
    public static final class ResponseFunctionAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object traced,
                @Advice.Argument(0) BiFunction receiver,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = ((HttpClient.ResponseReceiver) traced).response(receiver);
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }

    /** responseConnection(receiver), which WebClient uses: as {@link ResponseAdvice}. */
    public static final class ResponseConnectionAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object traced,
                @Advice.Argument(0) BiFunction receiver,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = ((HttpClient.ResponseReceiver) traced).responseConnection(receiver);
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }

    /** responseContent(): as {@link ResponseAdvice}. */
    public static final class ResponseContentAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object traced,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = ((HttpClient.ResponseReceiver<?>) traced).responseContent();
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }

    /** responseSingle(receiver): as {@link ResponseAdvice}. */
    public static final class ResponseSingleAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings({"unchecked", "rawtypes"})
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object traced,
                @Advice.Argument(0) BiFunction receiver,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = ((HttpClient.ResponseReceiver) traced).responseSingle(receiver);
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }
}
