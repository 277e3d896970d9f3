package dev.callsight.collector.demo;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A local upstream that misbehaves the way real ones do: most calls answer quickly, a few
 * percent fail with 5xx, some are slow, and now and then a connection is reset mid-request.
 */
final class FlakyUpstream implements AutoCloseable {

    private static final double SERVER_ERROR = 0.03;
    private static final double SLOW = 0.08;
    private static final double RESET = 0.01;

    private final Undertow server;

    FlakyUpstream(String bind) {
        server = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, bind)
                .setHandler(exchange -> exchange.dispatch(FlakyUpstream::answer))
                .build();
        server.start();
    }

    int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static void answer(HttpServerExchange exchange) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double roll = random.nextDouble();
        if (roll < RESET) {
            try {
                exchange.getConnection().close();
            } catch (IOException alreadyGone) {
                // The point was to drop it.
            }
            return;
        }
        if (roll < RESET + SLOW) {
            sleep(random.nextLong(200, 1_200));
        } else {
            sleep(random.nextLong(2, 25));
        }
        boolean fail = random.nextDouble() < SERVER_ERROR;
        exchange.setStatusCode(fail ? (random.nextBoolean() ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.INTERNAL_SERVER_ERROR)
                : exchange.getRequestPath().contains("/missing") ? StatusCodes.NOT_FOUND : StatusCodes.OK);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(fail ? "{\"error\":\"upstream trouble\"}" : "{\"ok\":true}");
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
