package dev.callsight.agent.bootstrap;

import java.util.Collection;
import java.util.List;

/**
 * Called by advice inlined into the JDK's executors, FutureTask, ForkJoinTask and
 * CompletableFuture, so that the OpenTelemetry context current where a task is handed over is
 * current where it runs. The context lives in the agent's (shaded) SDK, which the bootstrap
 * loader cannot see; tasks and scopes pass as Object. Every method is a no-op, or returns its
 * argument, while no trace is active.
 */
public interface ContextHook {

    ContextHook NONE = new ContextHook() {
        @Override
        public Object wrap(Object task) {
            return task;
        }

        @Override
        public Collection<?> wrapAll(Collection<?> tasks) {
            return tasks;
        }

        @Override
        public Object toExecute(Object task) {
            return task;
        }

        @Override
        public Object toFork(Object task) {
            return task;
        }

        @Override
        public Object enter(Object task) {
            return null;
        }

        @Override
        public void exit(Object scope) {}

        @Override
        public Object queued(Iterable<?> queue, Object task) {
            return task;
        }

        @Override
        public void unwrapAll(List<Object> tasks) {}
    };

    /** A function, Runnable or Callable whose identity nobody sees again: the task, or a wrapper running it in the caller's context. */
    Object wrap(Object task);

    /** A collection of Callables to invokeAll or invokeAny: the same, or a list of wrappers. */
    Collection<?> wrapAll(Collection<?> tasks);

    /**
     * A Runnable handed to ThreadPoolExecutor.execute: a FutureTask keeps its identity (the
     * application may remove or inspect it) and gets the context attached; another Future
     * passes as it is; a plain Runnable is wrapped.
     */
    Object toExecute(Object task);

    /** A task handed to a ForkJoinPool or forked: a ForkJoinTask or FutureTask gets the context attached, anything else is wrapped. */
    Object toFork(Object task);

    /** On entry to a FutureTask's or ForkJoinTask's run: makes its attached context current; returns what {@link #exit} takes. */
    Object enter(Object task);

    void exit(Object scope);

    /** For ThreadPoolExecutor.remove: the element of the queue that carries the application's task, or the task. */
    Object queued(Iterable<?> queue, Object task);

    /** For shutdownNow: puts the application's tasks in place of wrappers in the list it gets back. */
    void unwrapAll(List<Object> tasks);
}
