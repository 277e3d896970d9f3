package dev.callsight.e2e.app.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.util.function.Tuples;

/**
 * A gateway on Reactor Netty, as API gateways are built: every request is routed to the upstream (the first
 * argument) with the same method, path and query and a copy of the inbound headers, and the upstream's status and
 * body go back. A call that fails answers 504 with the exception's class in the body
 * ({@code timeout} for a {@link TimeoutException}).
 */
public final class ReactorGatewayApp {

    private ReactorGatewayApp() {}

    public static void main(String[] args) throws Exception {
        String upstream = args[0];
        HttpClient client = HttpClient.create();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.route(request -> true, (request, response) ->
                        client.headers(headers -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
                                .request(request.method())
                                .uri(upstream + request.uri())
                                .responseSingle((answer, body) -> body.asString().defaultIfEmpty("")
                                        .map(text -> Tuples.of(answer.status().code(), text)))
                                .onErrorResume(failure -> Mono.just(Tuples.of(504, failure.getClass().getName())))
                                .flatMap(answer -> response.status(answer.getT1())
                                        .sendString(Mono.just(answer.getT2())).then())))
                .bindNow();
        Outbound.serveUntilStdinCloses(server.port());
        server.disposeNow();
    }
}
