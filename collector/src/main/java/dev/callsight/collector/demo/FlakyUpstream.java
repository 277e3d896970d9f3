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

    private final double serverError;
    private final double slow;
    private final double reset;
    private final Undertow server;

    /** With these shares of 5xx answers, slow answers (200 ms to 1.2 s) and connection resets. */
    FlakyUpstream(String bind, double serverError, double slow, double reset) {
        this.serverError = serverError;
        this.slow = slow;
        this.reset = reset;
        server = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, bind)
                .setHandler(exchange -> exchange.dispatch(this::answer))
                .build();
        server.start();
    }

    int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void answer(HttpServerExchange exchange) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double roll = random.nextDouble();
        if (roll < reset) {
            try {
                exchange.getConnection().close();
            } catch (IOException alreadyGone) {
                // The point was to drop it.
            }
            return;
        }
        if (roll < reset + slow) {
            sleep(random.nextLong(200, 1_200));
        } else {
            sleep(random.nextLong(2, 25));
        }
        boolean fail = random.nextDouble() < serverError;
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
