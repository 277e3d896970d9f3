package dev.callsight.agent.core.context;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A task of the application with the context that was current when it was handed over. It
 * implements every functional type the JDK's executors and CompletableFuture accept but
 * BiFunction (whose andThen clashes with Function's; {@link ContextBiFunction} carries those);
 * the code that receives it calls only the method of the type it declared, which the task implements.
 * The previous context is back on the thread when the task returns or throws, so a pooled
 * thread's next task never inherits this one's.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ContextTask implements Runnable, Callable, Supplier, Function, Consumer, BiConsumer {

    private final Object delegate;
    private final Context context;

    ContextTask(Object delegate, Context context) {
        this.delegate = delegate;
        this.context = context;
    }

    Object delegate() {
        return delegate;
    }

    @Override
    public void run() {
        try (Scope ignored = context.makeCurrent()) {
            ((Runnable) delegate).run();
        }
    }

    @Override
    public Object call() throws Exception {
        try (Scope ignored = context.makeCurrent()) {
            return ((Callable) delegate).call();
        }
    }

    @Override
    public Object get() {
        try (Scope ignored = context.makeCurrent()) {
            return ((Supplier) delegate).get();
        }
    }

    @Override
    public Object apply(Object value) {
        try (Scope ignored = context.makeCurrent()) {
            return ((Function) delegate).apply(value);
        }
    }

    @Override
    public void accept(Object value) {
        try (Scope ignored = context.makeCurrent()) {
            ((Consumer) delegate).accept(value);
        }
    }

    @Override
    public void accept(Object first, Object second) {
        try (Scope ignored = context.makeCurrent()) {
            ((BiConsumer) delegate).accept(first, second);
        }
    }

    @Override
    public String toString() {
        return String.valueOf(delegate);
    }
}
