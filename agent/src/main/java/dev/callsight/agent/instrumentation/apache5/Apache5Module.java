package dev.callsight.agent.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.ApacheClassicHook;
import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.BlockingCalls;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.OutboundCalls;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.apache.hc.client5.http.async.AsyncExecCallback;

/**
 * Apache HttpClient 5 (org.apache.httpcomponents.client5:httpclient5 5.0 to 5.6), classic and
 * async, as built by HttpClientBuilder, HttpAsyncClientBuilder and H2AsyncClientBuilder. Only a
 * library on the application class path is instrumented: the glue is loaded by the same class
 * loader and resolves the library's types from there.
 */
public final class Apache5Module implements InstrumentationModule {

    private static final String PACKAGE = "org.apache.hc.client5.http.impl.";
    private static final String CLASSIC_CLIENT = PACKAGE + "classic.InternalHttpClient";
    private static final String CLASSIC_ATTEMPT = PACKAGE + "classic.ProtocolExec";
    private static final String ASYNC_CHAIN = PACKAGE + "async.AsyncExecChainElement";
    private static final String ASYNC_ATTEMPT = PACKAGE + "async.AsyncProtocolExec";

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, OutboundCalls calls) {
        ClassLoader glue = Apache5Module.class.getClassLoader();
        // The glue links against the library, so it is loaded only where the library is.
        if (glue.getResource(CLASSIC_ATTEMPT.replace('.', '/') + ".class") == null) {
            return builder;
        }
        try {
            Hooks.installApache5(new Apache5ClassicCalls(new BlockingCalls(calls)), new Apache5AsyncCalls(calls));
        } catch (LinkageError incompatible) {
            AgentLog.warn("Apache HttpClient 5 is not instrumented: this release does not link with the agent", incompatible);
            return builder;
        }
        return builder
                .type(named(CLASSIC_CLIENT), is(glue))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(glue)
                        .advice(named("doExecute").and(takesArguments(3)), ClassicCallAdvice.class.getName()))
                .type(named(CLASSIC_ATTEMPT), is(glue))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(glue)
                        .advice(named("execute").and(isPublic()).and(takesArguments(3)), ClassicAttemptAdvice.class.getName()))
                .type(named(ASYNC_CHAIN), is(glue))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(glue)
                        .advice(named("execute").and(isPublic()).and(takesArguments(4)), AsyncChainAdvice.class.getName()))
                .type(named(ASYNC_ATTEMPT), is(glue))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(glue)
                        .advice(named("execute").and(isPublic()).and(takesArguments(5)), AsyncAttemptAdvice.class.getName()));
    }

    /**
     * InternalHttpClient.doExecute(target, request, context): the application's call. A call the
     * policy refuses throws without running; one the agent retries runs again after the backoff.
     */
    public static final class ClassicCallAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
            return Hooks.apache5Classic().callStarted(target, request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class,
                repeatOn = Advice.OnNonDefaultValue.class)
        public static boolean onExit(@Advice.Enter Object call,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            ApacheClassicHook hook = Hooks.apache5Classic();
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
        public static Object onEnter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object scope) {
            return Hooks.apache5Classic().attemptStarted(request, scope, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object attempt, @Advice.Return Object response,
                @Advice.Thrown Throwable thrown) {
            Hooks.apache5Classic().attemptEnded(attempt, response, thrown);
        }
    }

    /**
     * AsyncExecChainElement.execute(request, entityProducer, scope, callback): at the head of a
     * call's chain, the callback is replaced by the one that ends the call; a refused call fails
     * the callback and the chain does not run.
     */
    public static final class AsyncChainAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object entityProducer,
                @Advice.Argument(2) Object scope, @Advice.Argument(value = 3, readOnly = false) AsyncExecCallback callback) {
            Object entered = Hooks.apache5Async().chainEntered(request, entityProducer, scope, callback);
            if (entered instanceof AsyncExecCallback) {
                callback = (AsyncExecCallback) entered;
            }
            return entered;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object entered, @Advice.Thrown Throwable thrown) {
            Hooks.apache5Async().chainExited(entered, thrown);
        }
    }

    /**
     * AsyncProtocolExec.execute(request, entityProducer, scope, chain, callback): the callback is
     * replaced by one that ends the attempt with the exchange.
     */
    public static final class AsyncAttemptAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.This Object protocolExec, @Advice.Argument(0) Object request,
                @Advice.Argument(1) Object entityProducer, @Advice.Argument(2) Object scope,
                @Advice.Argument(3) Object chain, @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) {
            Object traced = Hooks.apache5Async().attemptStarted(protocolExec, request, entityProducer, scope, chain, callback);
            callback = (AsyncExecCallback) traced;
            return traced;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object callback, @Advice.Thrown Throwable thrown) {
            Hooks.apache5Async().attemptSubmitted(callback, thrown);
        }
    }
}
