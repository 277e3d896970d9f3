package dev.callsight.agent.core.context;

import dev.callsight.agent.core.SdkInternals;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.BiFunction;

/**
 * Carries the current OpenTelemetry context from the thread that hands a task over to the
 * thread that runs it, in one of two ways: a wrapper around the task ({@link ContextTask}),
 * where nobody can observe the task's identity afterwards, or a context remembered for the
 * task object itself, where the application keeps and compares it (a Future it may remove or
 * cancel, a ForkJoinTask that fork() hands back). Nothing is captured when the root context is
 * current, so untraced work costs one thread-local read.
 */
public final class TaskContexts {

    /**
     * Keyed by identity and held weakly, so a task that never runs (cancelled, removed, refused)
     * takes its context with it; the SDK's own weak map, since the JDK has no identity one.
     */
    private final SdkInternals.WeakIdentityMap<Object, Context> attached = SdkInternals.weakIdentityMap();

    /** The current context when a trace or baggage is active, otherwise null. */
    public static Context capture() {
        Context current = Context.current();
        return current == Context.root() ? null : current;
    }

    /** The task itself when nothing is to be carried, or a wrapper that runs it in the current context. */
    public Object wrap(Object task) {
        if (task == null || task instanceof ContextTask || task instanceof ContextBiFunction) {
            return task;
        }
        Context context = capture();
        if (context == null) {
            return task;
        }
        return task instanceof BiFunction ? new ContextBiFunction((BiFunction<?, ?, ?>) task, context)
                : new ContextTask(task, context);
    }

    /** The application's task inside a wrapper, or the object itself. */
    public static Object unwrap(Object task) {
        if (task instanceof ContextTask) {
            return ((ContextTask) task).delegate();
        }
        return task instanceof ContextBiFunction ? ((ContextBiFunction) task).delegate() : task;
    }

    /** Remembers the current context for this very object, which runs through {@link #enter}. */
    public void attach(Object task) {
        Context context = capture();
        if (context != null && task != null) {
            attached.put(task, context);
        }
    }

    /**
     * Makes the context attached to the task current, and forgets it: a task runs once.
     *
     * @return the scope to close when the task is done, or null when it carries no context
     */
    public Scope enter(Object task) {
        if (task == null || attached.isEmpty()) {
            return null;
        }
        Context context = attached.remove(task);
        return context == null ? null : context.makeCurrent();
    }

    /** Restores the context the thread had before {@link #enter}. */
    public static void exit(Object scope) {
        if (scope instanceof Scope) {
            ((Scope) scope).close();
        }
    }
}
