package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.context.CarriedContext;
import dev.callsight.agent.core.http.HostHeader;
import dev.callsight.agent.core.http.RequestHeaders;
import dev.callsight.agent.core.server.FrameworkRoute;
import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.core.server.ServerCall;
import dev.callsight.agent.core.server.ServerRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A Reactor Netty server handler that traces each request: a SERVER span from the request's
 * arrival until the handler's publisher completes, fails or is cancelled (the client went
 * away). A request is handled across event-loop callbacks rather than on one thread, so its
 * context is current while the handler assembles and subscribes its chain, and travels with
 * the chain in the subscriber context, where the client glue finds it for calls made later on
 * other threads. Reactor Netty knows no routes: a framework's glue may name the matched one
 * ({@link FrameworkRoute}, Spring WebFlux's best matching pattern), else the path is templated.
 */
final class TracedHandler implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

    private static final int INTERNAL_ERROR = 500;

    private final HttpServerTracer tracer;
    private final BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>> handler;

    TracedHandler(HttpServerTracer tracer,
            BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>> handler) {
        this.tracer = tracer;
        this.handler = handler;
    }

    @Override
    public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
        ServerCall call;
        try {
            call = tracer.start(serverRequest(request));
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not trace a Reactor Netty request", agentFault);
            return handler.apply(request, response);
        }
        FrameworkRoute route = new FrameworkRoute();
        CarriedContext context = call.carried(route);
        Publisher<Void> handled;
        try (CarriedContext.Attached attached = context.attach()) {
            handled = handler.apply(request, response);
        } catch (RuntimeException | Error thrown) {
            call.detach();
            tracer.end(call, INTERNAL_ERROR, thrown);
            throw thrown;
        }
        call.detach();
        Publisher<Void> underContext = subscriber -> {
            try (CarriedContext.Attached attached = context.attach()) {
                handled.subscribe(subscriber);
            }
        };
        return Mono.from(underContext)
                .doOnSuccess(done -> tracer.end(call, response.status().code(), null, route.get()))
                .doOnError(failed -> tracer.end(call, response.hasSentHeaders() ? response.status().code()
                        : INTERNAL_ERROR, failed, route.get()))
                .doOnCancel(() -> tracer.end(call, response.status().code(), null, route.get()))
                .contextWrite(subscriberContext -> subscriberContext.put(ReactorContextKeys.SERVER_CONTEXT, context));
    }

    private static ServerRequest serverRequest(HttpServerRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        HttpHeaders headers = request.requestHeaders();
        String host = headers.get("Host");
        InetSocketAddress local = request.hostAddress();
        InetSocketAddress remote = request.remoteAddress();
        String path = request.fullPath();
        return new ServerRequest(request.method().name(), request.scheme(), path.isEmpty() ? "/" : path,
                query < 0 ? null : uri.substring(query + 1), null,
                host != null ? HostHeader.hostOf(host) : local == null ? null : local.getHostString(),
                host != null ? HostHeader.portOf(host, local == null ? 0 : local.getPort()) : local == null ? 0 : local.getPort(),
                remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress(),
                headers.get("User-Agent"), new NettyHeaders(headers));
    }

    private static final class NettyHeaders implements RequestHeaders {
        private final HttpHeaders headers;

        NettyHeaders(HttpHeaders headers) {
            this.headers = headers;
        }

        @Override
        public String get(String name) {
            return headers.get(name);
        }

        @Override
        public Iterable<String> names() {
            return headers.names();
        }
    }
}
