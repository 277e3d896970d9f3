package dev.callsight.agent.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.ApacheAsyncHook;
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
import org.apache.hc.client5.http.async.AsyncExecCallback;

/**
 * Apache HttpClient 5 (org.apache.httpcomponents.client5:httpclient5 5.0 to 5.6), classic and
 * async, as built by HttpClientBuilder, HttpAsyncClientBuilder and H2AsyncClientBuilder,
 * wherever the application loads it ({@link LibraryGlue}).
 */
public final class Apache5Module implements InstrumentationModule {

    private static final String PACKAGE = "org.apache.hc.client5.http.impl.";
    private static final String CLASSIC_CLIENT = PACKAGE + "classic.InternalHttpClient";
    private static final String CLASSIC_ATTEMPT = PACKAGE + "classic.ProtocolExec";
    private static final String ASYNC_CHAIN = PACKAGE + "async.AsyncExecChainElement";
    private static final String ASYNC_ATTEMPT = PACKAGE + "async.AsyncProtocolExec";

    private final LibraryGlue glue = LibraryGlue.builder(name(), Apache5Module.class)
            .anchor(CLASSIC_ATTEMPT).entry("Apache5ClassicCalls").entry("Apache5AsyncCalls").build();

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public List<String> gatedTypes() {
        return List.of(CLASSIC_CLIENT, CLASSIC_ATTEMPT, ASYNC_CHAIN, ASYNC_ATTEMPT);
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.installApache5(
                glue.hooks("Apache5ClassicCalls", ApacheClassicHook.class, BlockingCalls.class, new BlockingCalls(calls)),
                glue.hooks("Apache5AsyncCalls", ApacheAsyncHook.class, OutboundCalls.class, calls));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        ClassLoader advice = Apache5Module.class.getClassLoader();
        return builder
                .type(named(CLASSIC_CLIENT), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("doExecute").and(takesArguments(3)), ClassicCallAdvice.class.getName()))
                .type(named(CLASSIC_ATTEMPT), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("execute").and(isPublic()).and(takesArguments(3)), ClassicAttemptAdvice.class.getName()))
                .type(named(ASYNC_CHAIN), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("execute").and(isPublic()).and(takesArguments(4)), AsyncChainAdvice.class.getName()))
                .type(named(ASYNC_ATTEMPT), glue.loaders())
                .transform(new AgentBuilder.Transformer.ForAdvice().include(advice)
                        .advice(named("execute").and(isPublic()).and(takesArguments(5)), AsyncAttemptAdvice.class.getName()));
    }

    /**
     * InternalHttpClient.doExecute(target, request, context): the application's call. A call the
     * policy refuses throws without running; one the agent retries runs again after the backoff.
     */
    public static final class ClassicCallAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
            return Hooks.apache5Classic(origin).callStarted(target, request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class,
                repeatOn = Advice.OnNonDefaultValue.class)
        public static boolean onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object call,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            ApacheClassicHook hook = Hooks.apache5Classic(origin);
            if (hook.callEnded(call, returned, thrown)) {
                returned = null;
                thrown = null;
                return true;
            }
            thrown = hook.thrown(call, thrown);
            return false;
        }
    }

    /** ProtocolExec.execute(request, scope, chain): one attempt, ended when it returns or throws. */
    public static final class ClassicAttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object request, @Advice.Argument(1) Object scope) {
            return Hooks.apache5Classic(origin).attemptStarted(request, scope, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object attempt, @Advice.Return Object response,
                @Advice.Thrown Throwable thrown) {
            Hooks.apache5Classic(origin).attemptEnded(attempt, response, thrown);
        }
    }

    /**
     * AsyncExecChainElement.execute(request, entityProducer, scope, callback): at the head of a
     * call's chain, the callback is replaced by the one that ends the call; a refused call fails
     * the callback and the chain does not run.
     */
    public static final class AsyncChainAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.Argument(0) Object request, @Advice.Argument(1) Object entityProducer,
                @Advice.Argument(2) Object scope, @Advice.Argument(value = 3, readOnly = false) AsyncExecCallback callback) {
            Object entered = Hooks.apache5Async(origin).chainEntered(request, entityProducer, scope, callback);
            if (entered instanceof AsyncExecCallback) {
                callback = (AsyncExecCallback) entered;
            }
            return entered;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object entered, @Advice.Thrown Throwable thrown) {
            Hooks.apache5Async(origin).chainExited(entered, thrown);
        }
    }

    /**
     * AsyncProtocolExec.execute(request, entityProducer, scope, chain, callback): the callback is
     * replaced by one that ends the attempt with the exchange.
     */
    public static final class AsyncAttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.Origin Class<?> origin, @Advice.This Object protocolExec, @Advice.Argument(0) Object request,
                @Advice.Argument(1) Object entityProducer, @Advice.Argument(2) Object scope,
                @Advice.Argument(3) Object chain, @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) {
            Object traced = Hooks.apache5Async(origin).attemptStarted(protocolExec, request, entityProducer, scope, chain, callback);
            callback = (AsyncExecCallback) traced;
            return traced;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Origin Class<?> origin, @Advice.Enter Object callback, @Advice.Thrown Throwable thrown) {
            Hooks.apache5Async(origin).attemptSubmitted(callback, thrown);
        }
    }
}
