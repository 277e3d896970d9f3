package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * What identifies one kind of call: who called whom, on which route, and how it ended; or, for {@link CallKind#SERVER},
 * which of the service's own routes answered, and how.
 */
public record CallKey(
        String serviceName,
        String serverAddress,
        int serverPort,
        String route,
        String method,
        int statusCode,
        String errorType,
        CallKind kind) {

    public CallKey {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(kind, "kind");
    }

    public static CallKey of(CallSite site, int statusCode, String errorType) {
        return new CallKey(site.serviceName(), site.serverAddress(), site.serverPort(), site.route(), site.method(),
                statusCode, errorType, site.kind());
    }

    public CallSite site() {
        return new CallSite(serviceName, serverAddress, serverPort, route, method, kind);
    }

    /** {@code server.address:server.port}, as the API shows a peer. */
    public String peer() {
        return serverAddress + ":" + serverPort;
    }
}
