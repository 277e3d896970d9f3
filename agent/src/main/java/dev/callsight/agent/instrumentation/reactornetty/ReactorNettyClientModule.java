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
import java.util.List;
import java.util.function.BiFunction;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Reactor Netty's HTTP client (reactor-netty-http 1.0 and later; under Spring's WebClient and
 * gateways), wherever the application loads it ({@link LibraryGlue}). Each of
 * HttpClientFinalizer's response methods is answered by the same method of a traced copy of the
 * client, as OpenTelemetry's agent does.
 */
public final class ReactorNettyClientModule implements InstrumentationModule {

    private static final String FINALIZER = "reactor.netty.http.client.HttpClientFinalizer";

    private final LibraryGlue glue = LibraryGlue.builder(name(), ReactorNettyClientModule.class)
            .anchor("reactor.netty.http.client.HttpClient").entry("ReactorNettyClientCalls").build();

    @Override
    public String name() {
        return "reactor-netty-client";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of(FINALIZER);
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.installReactorNettyClient(
                glue.hooks("ReactorNettyClientCalls", ReactorNettyClientHook.class, OutboundCalls.class, calls));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named(FINALIZER), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(ReactorNettyClientModule.class.getClassLoader())
                        .advice(named("response").and(takesArguments(0))
                                .or(named("response").and(takesArguments(1)).and(takesArgument(0, BiFunction.class)))
                                .or(named("responseConnection").and(takesArguments(1)))
                                .or(named("responseContent").and(takesArguments(0))
                                        .and(returns(named("reactor.netty.ByteBufFlux"))))
                                .or(named("responseSingle").and(takesArguments(1))),
                                ResponseAdvice.class.getName()));
    }

    /**
     * response(), response(receiver), responseConnection(receiver) (which WebClient uses), responseContent() and
     * responseSingle(receiver): skipped and answered by the same method of the traced copy.
     */
    public static final class ResponseAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object receiver) {
            return Hooks.reactorNettyClient(origin).traced(receiver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Origin("#m") String method,
                @Advice.Enter Object traced,
                @Advice.Argument(value = 0, optional = true, typing = Assigner.Typing.DYNAMIC) Object receiver,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                if (traced != null) {
                    returned = Hooks.reactorNettyClient(origin).respond(traced, method, receiver);
                    thrown = null;
                }
            } finally {
                Hooks.reactorNettyClient(origin).exited();
            }
        }
    }
}
