package dev.callsight.agent.instrumentation.executors;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.context.TaskContexts;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Carries the current context across the JDK's thread hand-offs: ThreadPoolExecutor (and so
 * every ExecutorService the Executors factories make, ScheduledThreadPoolExecutor's one-shot
 * schedule included), ForkJoinPool and ForkJoinTask.fork, the thread-per-task executor of
 * virtual threads, and CompletableFuture, whose async stages and continuations run in the
 * context of the code that created them. Periodic schedules are left alone: a request that
 * starts a recurring job does not own its later runs.
 */
public final class ExecutorsModule implements InstrumentationModule {

    private static final ElementMatcher.Junction<TypeDescription> FUNCTIONAL =
            namedOneOf("java.lang.Runnable", "java.util.concurrent.Callable", "java.util.function.Supplier",
                    "java.util.function.Function", "java.util.function.BiFunction", "java.util.function.Consumer",
                    "java.util.function.BiConsumer");

    private static final List<Class<?>> HANDOFF_TYPES = List.of(ThreadPoolExecutor.class,
            ScheduledThreadPoolExecutor.class, ForkJoinPool.class, ForkJoinTask.class, FutureTask.class,
            CompletableFuture.class);

    @Override
    public String name() {
        return "executors";
    }

    /** Context crosses threads and log lines get ids from the first traced call on; nothing earlier is missed. */
    @Override
    public List<String> gatedTypes() {
        return List.of();
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.install(new ExecutorContexts(new TaskContexts()));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        loadBeforeInstalling();
        ElementMatcher.Junction<MethodDescription> taskArgument = takesArgument(0, FUNCTIONAL)
                .or(takesArgument(0, named("java.util.concurrent.ForkJoinTask")));
        return builder
                .type(named("java.util.concurrent.ThreadPoolExecutor"))
                .transform(advice()
                        .advice(named("execute").and(takesArguments(Runnable.class)), ExecuteAdvice.class.getName())
                        .advice(named("remove").and(takesArguments(Runnable.class)), RemoveAdvice.class.getName())
                        .advice(named("shutdownNow").and(takesArguments(0)), ShutdownNowAdvice.class.getName()))
                .type(named("java.util.concurrent.ScheduledThreadPoolExecutor"))
                .transform(advice().advice(named("schedule").and(takesArguments(3)).and(taskArgument),
                        WrapFirstAdvice.class.getName()))
                .type(named("java.util.concurrent.ForkJoinPool"))
                .transform(advice()
                        .advice(namedOneOf("execute", "submit", "invoke", "schedule").and(isPublic())
                                        .and(taskArgument), ForkAdvice.class.getName())
                        .advice(nameStartsWith("invoke").and(isPublic()).and(takesArgument(0, Collection.class)),
                                WrapAllAdvice.class.getName()))
                .type(named("java.util.concurrent.ForkJoinTask"))
                .transform(advice()
                        .advice(named("fork").and(takesArguments(0)), ForkSelfAdvice.class.getName())
                        .advice(named("doExec").and(takesArguments(0)), RunAdvice.class.getName()))
                .type(named("java.util.concurrent.FutureTask"))
                .transform(advice().advice(namedOneOf("run", "runAndReset").and(takesArguments(0)),
                        RunAdvice.class.getName()))
                // Java 21+: Executors.newVirtualThreadPerTaskExecutor and newThreadPerTaskExecutor.
                .type(named("java.util.concurrent.ThreadPerTaskExecutor"))
                .transform(advice().advice(namedOneOf("execute", "submit").and(isPublic()).and(taskArgument),
                        WrapFirstAdvice.class.getName()))
                .type(named("java.util.concurrent.CompletableFuture"))
                .transform(advice()
                        .advice(isPublic().and(takesArgument(0, FUNCTIONAL)), WrapFirstAdvice.class.getName())
                        .advice(isPublic().and(not(isStatic())).and(takesArgument(1, FUNCTIONAL))
                                .and(takesArgument(0, named("java.util.concurrent.CompletionStage"))),
                                WrapSecondAdvice.class.getName()));
    }

    /**
     * Byte Buddy does not transform a class that first loads while it is transforming another on
     * the same thread, and these may load just then (the agent's own startup uses them); loaded
     * before the agent is installed, they are among the classes it retransforms. The thread-per-task
     * executor exists from Java 21 on and is not public, so it is loaded by name.
     */
    private static void loadBeforeInstalling() {
        HANDOFF_TYPES.forEach(Class::getName);
        try {
            Class.forName("java.util.concurrent.ThreadPerTaskExecutor", false, null);
        } catch (ClassNotFoundException olderJdk) {
            // Nothing to instrument on this JDK.
        }
    }

    private static AgentBuilder.Transformer.ForAdvice advice() {
        return new AgentBuilder.Transformer.ForAdvice().include(ExecutorsModule.class.getClassLoader());
    }

    /** ThreadPoolExecutor.execute: every submit, invokeAll and invokeAny of the pool ends up here with a FutureTask. */
    public static final class ExecuteAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = (Runnable) Hooks.context().toExecute(task);
        }
    }

    /** ThreadPoolExecutor.remove finds a queued wrapper by the application's task. */
    public static final class RemoveAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.This ThreadPoolExecutor executor,
                @Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = (Runnable) Hooks.context().queued(executor.getQueue(), task);
        }
    }

    /** ThreadPoolExecutor.shutdownNow hands back the application's own tasks. */
    public static final class ShutdownNowAdvice {

        @Advice.OnMethodExit(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        public static void onExit(@Advice.Return(typing = Assigner.Typing.DYNAMIC) Object tasks) {
            if (tasks instanceof List) {
                Hooks.context().unwrapAll((List<Object>) tasks);
            }
        }
    }

    /** A task whose identity the application does not see again (the executor hands back its own Future). */
    public static final class WrapFirstAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(
                @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object task) {
            task = Hooks.context().wrap(task);
        }
    }

    /** CompletableFuture's two-stage methods (thenCombine, applyToEither, ...) take the function second. */
    public static final class WrapSecondAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(
                @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object task) {
            task = Hooks.context().wrap(task);
        }
    }

    /** ForkJoinPool.execute, submit, invoke and one-shot schedule. */
    public static final class ForkAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(
                @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object task) {
            task = Hooks.context().toFork(task);
        }
    }

    /** ForkJoinPool.invokeAll and invokeAny submit their Callables without going through execute. */
    public static final class WrapAllAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(
                @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Collection<?> tasks) {
            tasks = Hooks.context().wrapAll(tasks);
        }
    }

    /** ForkJoinTask.fork hands back the task itself, so it keeps its identity and gets the context attached. */
    public static final class ForkSelfAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.This Object task) {
            Hooks.context().toFork(task);
        }
    }

    /** FutureTask.run and runAndReset, ForkJoinTask.doExec: the attached context is current while the task runs. */
    public static final class RunAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object onEnter(@Advice.This Object task) {
            return Hooks.context().enter(task);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter Object scope) {
            if (scope != null) {
                Hooks.context().exit(scope);
            }
        }
    }
}
