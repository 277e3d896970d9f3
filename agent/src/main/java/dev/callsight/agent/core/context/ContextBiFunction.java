package dev.callsight.agent.core.context;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.BiFunction;

/** A BiFunction of the application with the context that was current when it was handed over; see {@link ContextTask}. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ContextBiFunction implements BiFunction {

    private final BiFunction delegate;
    private final Context context;

    ContextBiFunction(BiFunction delegate, Context context) {
        this.delegate = delegate;
        this.context = context;
    }

    BiFunction delegate() {
        return delegate;
    }

    @Override
    public Object apply(Object first, Object second) {
        try (Scope ignored = context.makeCurrent()) {
            return delegate.apply(first, second);
        }
    }

    @Override
    public String toString() {
        return String.valueOf(delegate);
    }
}
