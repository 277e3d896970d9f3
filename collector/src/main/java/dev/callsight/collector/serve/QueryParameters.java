package dev.callsight.collector.serve;

import io.undertow.server.HttpServerExchange;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Every non-blank {@code key=value} given as {@code name}, split at the first {@code =}; empty when none. */
    Map<String, String> tags(String name) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String text : exchange.getQueryParameters().getOrDefault(name, new ArrayDeque<>())) {
            if (text.isBlank()) {
                continue;
            }
            int equals = text.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException(name + " must be key=value, not '" + text.strip() + "'");
            }
            tags.put(text.substring(0, equals).strip(), text.substring(equals + 1).strip());
        }
        return tags;
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
