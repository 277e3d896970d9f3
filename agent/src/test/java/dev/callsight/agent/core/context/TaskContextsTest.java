package dev.callsight.agent.core.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tasks run in the context they were handed over in, and leave their thread as they found it. */
class TaskContextsTest {

    private static final Context REQUEST = Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(
            "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault())));

    private final TaskContexts contexts = new TaskContexts();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    @Test
    void nothingIsCapturedOutsideATrace() {
        Runnable task = () -> {};
        assertSame(task, contexts.wrap(task));
        contexts.attach(task);
        assertNull(contexts.enter(task));
    }

    @Test
    void aWrappedTaskRunsInTheCallersContextAndRestoresTheThreads() throws Exception {
        Callable<Context> wrapped;
        BiFunction<String, String, Context> wrappedBi;
        Callable<Context> current = Context::current;
        try (Scope ignored = REQUEST.makeCurrent()) {
            wrapped = callable(contexts.wrap(current));
            wrappedBi = biFunction(contexts.wrap((BiFunction<String, String, Context>) (a, b) -> Context.current()));
        }
        assertNotSame(current, wrapped);
        assertSame(current, TaskContexts.unwrap(wrapped));
        assertSame(REQUEST, thread.submit(wrapped).get());
        assertSame(REQUEST, thread.submit(() -> wrappedBi.apply("a", "b")).get());
        assertSame(Context.root(), thread.submit(current).get(), "the pooled thread's next task starts clean");
    }

    @Test
    void anAttachedContextIsCurrentOnceWhileItsTaskRuns() throws Exception {
        FutureTask<Context> task = new FutureTask<>(Context::current);
        try (Scope ignored = REQUEST.makeCurrent()) {
            contexts.attach(task);
        }
        Context seen = thread.submit(() -> {
            Object scope = contexts.enter(task);
            try {
                task.run();
                return task.get();
            } finally {
                TaskContexts.exit(scope);
            }
        }).get();
        assertSame(REQUEST, seen);
        assertNull(contexts.enter(task), "a task runs once");
        assertEquals(Context.root(), thread.submit(Context::current).get());
    }

    @SuppressWarnings("unchecked")
    private static Callable<Context> callable(Object task) {
        return (Callable<Context>) task;
    }

    @SuppressWarnings("unchecked")
    private static BiFunction<String, String, Context> biFunction(Object task) {
        return (BiFunction<String, String, Context>) task;
    }
}
