package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import java.util.Objects;

/**
 * Which calls an SLO counts; a null field matches any value. {@code port} is only set with {@code address}.
 * {@code kind} picks a service's outbound calls per attempt (the default), its logical outbound calls
 * ({@code per: call}), or the requests it answered, which have no peer.
 */
public record Selector(String service, String address, Integer port, String route, String method, CallKind kind) {

    public Selector {
        Objects.requireNonNull(kind, "kind");
        if (kind == CallKind.SERVER && address != null) {
            throw new IllegalArgumentException("a server selector has no peer");
        }
    }

    /** A selector of outbound calls. */
    public Selector(String service, String address, Integer port, String route, String method) {
        this(service, address, port, route, method, CallKind.CLIENT);
    }

    public boolean matches(CallKey call) {
        return kind == call.kind()
                && (service == null || service.equals(call.serviceName()))
                && (address == null || address.equals(call.serverAddress()))
                && (port == null || port == call.serverPort())
                && (route == null || route.equals(call.route()))
                && (method == null || method.equals(call.method()));
    }

    /** {@code call} for logical calls, else {@code attempt}: what one event of the SLI is. */
    public String per() {
        return kind == CallKind.CALL ? "call" : "attempt";
    }

    /** {@code client} or {@code server}, as the YAML's {@code kind} spells it ({@code per} says the rest). */
    public String side() {
        return kind == CallKind.SERVER ? "server" : "client";
    }

    /** {@code host:port} or {@code host}, as the YAML spells it; null when any peer matches. */
    public String peer() {
        return address == null ? null : port == null ? address : address + ":" + port;
    }
}
