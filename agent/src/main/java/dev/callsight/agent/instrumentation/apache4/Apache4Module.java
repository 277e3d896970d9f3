package dev.callsight.agent.instrumentation.apache4;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.ApacheClassicHook;
import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.BlockingCalls;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.glue.LibraryGlue;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Apache HttpClient 4.5 (classic, org.apache.httpcomponents:httpclient 4.5 to 4.5.14), as built
 * by HttpClientBuilder (HttpClients.custom(), createDefault(), createSystem()), wherever the
 * application loads it ({@link LibraryGlue}).
 */
public final class Apache4Module implements InstrumentationModule {

    private static final String CLIENT = "org.apache.http.impl.client.InternalHttpClient";
    private static final String PROTOCOL_EXEC = "org.apache.http.impl.execchain.ProtocolExec";
    private static final String RESPONSE = "org.apache.http.impl.execchain.HttpResponseProxy";

    private final LibraryGlue glue = LibraryGlue.builder(name(), Apache4Module.class)
            .anchor(PROTOCOL_EXEC).entry("Apache4Calls").build();

    @Override
    public String name() {
        return "apache-httpclient-4";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of(CLIENT, PROTOCOL_EXEC, RESPONSE);
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.installApache4(glue.hooks("Apache4Calls", ApacheClassicHook.class, BlockingCalls.class,
                new BlockingCalls(calls)));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        ClassLoader advice = Apache4Module.class.getClassLoader();
        return builder
                .type(named(CLIENT), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("doExecute").and(takesArguments(3)), CallAdvice.class.getName()))
                .type(named(PROTOCOL_EXEC), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("execute").and(isPublic()).and(takesArguments(4)), AttemptAdvice.class.getName()))
                .type(named(RESPONSE), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("close").and(takesArguments(0)), CloseAdvice.class.getName()));
    }

    /**
     * InternalHttpClient.doExecute(target, request, context): the application's call. A call the
     * policy refuses throws without running; one the agent retries runs again after the backoff.
     */
    public static final class CallAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
            return Hooks.apache4(origin).callStarted(target, request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class,
                repeatOn = Advice.OnNonDefaultValue.class)
        public static boolean onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object call,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            ApacheClassicHook hook = Hooks.apache4(origin);
            if (hook.callEnded(call, returned, thrown)) {
                returned = null;
                thrown = null;
                return true;
            }
            thrown = hook.thrown(call, thrown);
            return false;
        }
    }

    /** ProtocolExec.execute(route, request, context, execAware): one attempt, ended when it returns or throws. */
    public static final class AttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object route, @Advice.Argument(1) Object request,
                @Advice.Argument(2) Object context) {
            return Hooks.apache4(origin).attemptStarted(request, route, context);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object attempt, @Advice.Return Object response,
                @Advice.Thrown Throwable thrown) {
            Hooks.apache4(origin).attemptEnded(attempt, response, thrown);
        }
    }

    /** HttpResponseProxy.close: the response's connection goes, so does what is left of its attempt. */
    public static final class CloseAdvice {

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.This Object response) {
            Hooks.apache4(origin).responseClosed(response);
        }
    }
}
