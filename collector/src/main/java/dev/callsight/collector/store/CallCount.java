package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallKind;

/**
 * How many calls one service made to one peer route and method, or for {@link CallKind#SERVER} how many requests
 * it answered on one of its routes and methods, summed over all stored minutes.
 */
public record CallCount(String serviceName, String serverAddress, int serverPort, String route, String method,
        long calls, CallKind kind) {
}
