package dev.callsight.agent.instrumentation.jdkhttp;

import dev.callsight.agent.bootstrap.JdkHttpClientHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.ClientCall;
import dev.callsight.agent.core.ClientRequest;
import dev.callsight.agent.core.HttpClientTracer;
import dev.callsight.agent.core.InternalThread;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The glue between java.net.http and the core. HttpRequest is immutable, so a traced call
 * sends a copy that carries the context headers. Every advice entry passes through
 * {@link #enter}, which counts nesting, and every exit through one of the exit methods.
 */
final class JdkHttpClientCalls implements JdkHttpClientHook {

    /** The traced call and the request that goes out in its place. */
    private static final class Call {
        final ClientCall call;
        final HttpRequest request;

        Call(ClientCall call, HttpRequest request) {
            this.call = call;
            this.request = request;
        }
    }

    private final HttpClientTracer tracer;
    /** send calls sendAsync and the facade calls the implementation; only the outermost counts. */
    private final CallDepth depth = new CallDepth();

    JdkHttpClientCalls(HttpClientTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Object enter(Object request) {
        if (depth.enter() > 0 || InternalThread.isCurrent()) {
            return null;
        }
        HttpRequest original = (HttpRequest) request;
        ClientCall call = tracer.start(new ClientRequest(original.method(), original.uri(),
                original.headers().firstValue("traceparent").orElse(null),
                original.headers().firstValue("tracestate").orElse(null)));
        if (call.continuesApplicationContext()) {
            return new Call(call, original);
        }
        try {
            HttpRequest.Builder copy = copyOf(original);
            tracer.inject(call, copy::setHeader);
            return new Call(call, copy.build());
        } catch (RuntimeException uncopyable) {
            // A request the builder refuses to rebuild still goes out as the application made it.
            return new Call(call, original);
        }
    }

    @Override
    public Object requestToSend(Object call, Object request) {
        return call == null ? request : ((Call) call).request;
    }

    @Override
    public void exit(Object call, boolean async, Object returned, Throwable thrown) {
        depth.exit();
        if (call == null) {
            return;
        }
        Call traced = (Call) call;
        if (async && thrown == null && returned != null) {
            ((CompletableFuture<?>) returned)
                    .whenComplete((response, error) -> end(traced, (HttpResponse<?>) response, error));
        } else {
            end(traced, async ? null : (HttpResponse<?>) returned, thrown);
        }
    }

    private void end(Call traced, HttpResponse<?> response, Throwable thrown) {
        Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null
                ? thrown.getCause() : thrown;
        tracer.end(traced.call, response == null ? 0 : response.statusCode(),
                response == null ? null : protocolVersion(response.version()), cause);
    }

    private static String protocolVersion(HttpClient.Version version) {
        return version == HttpClient.Version.HTTP_2 ? "2" : "1.1";
    }

    /**
     * HttpRequest.newBuilder(HttpRequest, filter) would do this, but only from Java 16 on. A
     * request without a body stays without one: GET() and DELETE() send no Content-Length,
     * where method(m, noBody()) would add "Content-Length: 0".
     */
    private static HttpRequest.Builder copyOf(HttpRequest original) {
        HttpRequest.Builder copy = HttpRequest.newBuilder(original.uri()).expectContinue(original.expectContinue());
        String method = original.method();
        Optional<HttpRequest.BodyPublisher> body = original.bodyPublisher();
        if (body.isPresent()) {
            copy.method(method, body.get());
        } else if ("GET".equals(method)) {
            copy.GET();
        } else if ("DELETE".equals(method)) {
            copy.DELETE();
        } else {
            copy.method(method, HttpRequest.BodyPublishers.noBody());
        }
        original.timeout().ifPresent(copy::timeout);
        original.version().ifPresent(copy::version);
        original.headers().map().forEach((name, values) -> values.forEach(value -> copy.header(name, value)));
        return copy;
    }
}
