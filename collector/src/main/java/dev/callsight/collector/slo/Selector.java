package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKey;

/** Which calls an SLO counts; a null field matches any value. {@code port} is only set with {@code address}. */
public record Selector(String service, String address, Integer port, String route, String method) {

    public boolean matches(CallKey call) {
        return (service == null || service.equals(call.serviceName()))
                && (address == null || address.equals(call.serverAddress()))
                && (port == null || port == call.serverPort())
                && (route == null || route.equals(call.route()))
                && (method == null || method.equals(call.method()));
    }

    /** {@code host:port} or {@code host}, as the YAML spells it; null when any peer matches. */
    public String peer() {
        return address == null ? null : port == null ? address : address + ":" + port;
    }
}
