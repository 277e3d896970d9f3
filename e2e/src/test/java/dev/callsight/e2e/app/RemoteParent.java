package dev.callsight.e2e.app;

import java.lang.reflect.Method;

/**
 * Makes a remote parent span current in the agent's OpenTelemetry context, as the agent's server
 * instrumentation does for an inbound request that carries a traceparent: the test applications
 * then do their work "inside a request". The agent's OpenTelemetry is shaded and the application
 * knows nothing of it, so it is reached by name; only tests do this.
 */
public final class RemoteParent implements AutoCloseable {

    private static final String API = "dev.callsight.shaded.io.opentelemetry.";

    private final AutoCloseable scope;

    private RemoteParent(AutoCloseable scope) {
        this.scope = scope;
    }

    public static RemoteParent open(String traceId, String spanId) throws ReflectiveOperationException {
        // A request reaches an application through a server whose classes wait for the starting agent
        // (StartupGate); loading one of them waits the same way, so the request finds the agent installed.
        Class.forName("com.sun.net.httpserver.Filter$Chain");
        Class<?> flags = Class.forName(API + "api.trace.TraceFlags");
        Class<?> state = Class.forName(API + "api.trace.TraceState");
        Class<?> spanContext = Class.forName(API + "api.trace.SpanContext");
        Class<?> span = Class.forName(API + "api.trace.Span");
        Class<?> context = Class.forName(API + "context.Context");
        Class<?> keyed = Class.forName(API + "context.ImplicitContextKeyed");
        Object remote = spanContext.getMethod("createFromRemoteParent", String.class, String.class, flags, state)
                .invoke(null, traceId, spanId, flags.getMethod("getSampled").invoke(null),
                        state.getMethod("getDefault").invoke(null));
        Object parent = span.getMethod("wrap", spanContext).invoke(null, remote);
        Method with = context.getMethod("with", keyed);
        Object current = with.invoke(context.getMethod("root").invoke(null), parent);
        return new RemoteParent((AutoCloseable) context.getMethod("makeCurrent").invoke(current));
    }

    @Override
    public void close() throws Exception {
        scope.close();
    }
}
