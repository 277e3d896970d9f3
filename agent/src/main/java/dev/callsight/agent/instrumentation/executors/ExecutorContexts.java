package dev.callsight.agent.instrumentation.executors;

import dev.callsight.agent.bootstrap.ContextHook;
import dev.callsight.agent.core.context.TaskContexts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/** Decides, per kind of task the JDK's executors take, whether it is wrapped or gets its context attached. */
final class ExecutorContexts implements ContextHook {

    private final TaskContexts contexts;
    /** Set once a plain Runnable has been wrapped for a ThreadPoolExecutor; until then remove() has nothing to look for. */
    private volatile boolean wrappedForQueue;

    ExecutorContexts(TaskContexts contexts) {
        this.contexts = contexts;
    }

    @Override
    public Object wrap(Object task) {
        return contexts.wrap(task);
    }

    @Override
    public Collection<?> wrapAll(Collection<?> tasks) {
        if (tasks == null || TaskContexts.capture() == null) {
            return tasks;
        }
        List<Object> wrapped = new ArrayList<>(tasks.size());
        for (Object task : tasks) {
            wrapped.add(contexts.wrap(task));
        }
        return wrapped;
    }

    @Override
    public Object toExecute(Object task) {
        if (task instanceof FutureTask) {
            contexts.attach(task);
            return task;
        }
        if (task instanceof Future) {
            // CompletableFuture's own tasks carry their functions' contexts; others are rare.
            return task;
        }
        Object wrapped = contexts.wrap(task);
        if (wrapped != task) {
            wrappedForQueue = true;
        }
        return wrapped;
    }

    @Override
    public Object toFork(Object task) {
        if (task instanceof ForkJoinTask || task instanceof FutureTask) {
            contexts.attach(task);
            return task;
        }
        return contexts.wrap(task);
    }

    @Override
    public Object enter(Object task) {
        return contexts.enter(task);
    }

    @Override
    public void exit(Object scope) {
        TaskContexts.exit(scope);
    }

    @Override
    public Object queued(Iterable<?> queue, Object task) {
        if (!wrappedForQueue || queue == null) {
            return task;
        }
        for (Object element : queue) {
            if (element != task && TaskContexts.unwrap(element) == task) {
                return element;
            }
        }
        return task;
    }

    @Override
    public void unwrapAll(List<Object> tasks) {
        if (wrappedForQueue && tasks != null) {
            tasks.replaceAll(TaskContexts::unwrap);
        }
    }
}
