package dev.callsight.collector.aggregate;

import java.util.Objects;

/** What identifies one kind of outbound call: who called whom, on which route, and how it ended. */
public record CallKey(
        String serviceName,
        String serverAddress,
        int serverPort,
        String route,
        String method,
        int statusCode,
        String errorType) {

    public CallKey {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(errorType, "errorType");
    }

    /** {@code server.address:server.port}, as the API shows a peer. */
    public String peer() {
        return serverAddress + ":" + serverPort;
    }
}
