package dev.callsight.collector.serve;

import io.undertow.server.HttpServerExchange;
import java.util.Deque;

/** Reads a request's query parameters; a malformed one throws {@link IllegalArgumentException} with the reason. */
final class QueryParameters {

    private final HttpServerExchange exchange;

    QueryParameters(HttpServerExchange exchange) {
        this.exchange = exchange;
    }

    /** The first value, or null when it is absent or blank (an empty form field means "any"). */
    String text(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() || values.getFirst().isBlank() ? null : values.getFirst().strip();
    }

    /** The first value; its absence is the caller's error. */
    String required(String name) {
        String text = text(name);
        if (text == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return text;
    }

    Long number(String name) {
        String text = text(name);
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'");
        }
    }

    long number(String name, long fallback) {
        Long value = number(name);
        return value == null ? fallback : value;
    }

    /** A peer as {@code host:port} (the form {@code /api/services} lists), or null. */
    Peer peer(String name) {
        String text = text(name);
        if (text == null) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        try {
            return new Peer(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be host:port, not '" + text + "'");
        }
    }

    record Peer(String address, int port) {}
}
