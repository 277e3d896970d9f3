package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * Who called which peer route with which method, or, for a server, which of its own routes was asked with which
 * method (no peer: empty address, port 0): the part of a call's identity every call metric carries.
 */
public record CallSite(String serviceName, String serverAddress, int serverPort, String route, String method,
        CallKind kind) {

    public CallSite {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(kind, "kind");
    }
}
