package dev.callsight.agent.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.callsight.agent.bootstrap.ServerHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.http.HostHeader;
import dev.callsight.agent.core.http.RequestHeaders;
import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.core.server.ServerCall;
import dev.callsight.agent.core.server.ServerRequest;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The glue between the JDK's HTTP server and the core. An exchange's request ends when the
 * chain returns to the server: handlers answer on the dispatching thread. The server knows no
 * routes beyond a context's path prefix, so the core templates the path.
 */
final class JdkHttpServerCalls implements ServerHook {

    /** An exchange the agent traces, from the outermost chain call to its return. */
    private static final class InFlight {
        final ServerCall call;
        final HttpExchange exchange;

        InFlight(ServerCall call, HttpExchange exchange) {
            this.call = call;
            this.exchange = exchange;
        }
    }

    private final HttpServerTracer tracer;
    private final CallDepth depth = new CallDepth();

    JdkHttpServerCalls(HttpServerTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Object enter(Object request, Object response) {
        if (depth.enter() > 0 || !(request instanceof HttpExchange)) {
            return null;
        }
        HttpExchange exchange = (HttpExchange) request;
        URI uri = exchange.getRequestURI();
        Headers headers = exchange.getRequestHeaders();
        InetSocketAddress local = exchange.getLocalAddress();
        String host = headers.getFirst("Host");
        InetSocketAddress remote = exchange.getRemoteAddress();
        ServerCall call = tracer.start(new ServerRequest(exchange.getRequestMethod(),
                exchange instanceof HttpsExchange ? "https" : "http", uri.getRawPath(), uri.getRawQuery(), null,
                host != null ? HostHeader.hostOf(host) : local.getHostString(),
                host != null ? HostHeader.portOf(host, local.getPort()) : local.getPort(),
                remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress(),
                headers.getFirst("User-Agent"), new ExchangeHeaders(headers)));
        return new InFlight(call, exchange);
    }

    @Override
    public void exit(Object entered, Throwable thrown) {
        depth.exit();
        if (!(entered instanceof InFlight)) {
            return;
        }
        InFlight exchange = (InFlight) entered;
        exchange.call.detach();
        // -1 until the handler sends headers; a handler that throws first leaves the client no response.
        tracer.end(exchange.call, Math.max(exchange.exchange.getResponseCode(), 0), thrown);
    }

    private static final class ExchangeHeaders implements RequestHeaders {
        private final Headers headers;

        ExchangeHeaders(Headers headers) {
            this.headers = headers;
        }

        @Override
        public String get(String name) {
            return headers.getFirst(name);
        }

        @Override
        public Iterable<String> names() {
            return headers.keySet();
        }
    }
}
