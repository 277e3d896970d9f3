package dev.callsight.agent.core.context;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * A server request's context, for a server that handles a request across callbacks on several
 * threads (Reactor Netty): its glue carries this along the request's reactive chain, makes it
 * current where the application's code runs, and hands it to the client glue, which makes it the
 * parent of calls subscribed on a thread that has no context of its own. Opaque to the glue.
 */
public final class CarriedContext {

    /** Makes a context current until closed, on the thread that made it current. */
    public interface Attached extends AutoCloseable {
        @Override
        void close();
    }

    private final Context context;

    public CarriedContext(Context context) {
        this.context = context;
    }

    public Context context() {
        return context;
    }

    public Attached attach() {
        Scope scope = context.makeCurrent();
        return scope::close;
    }
}
