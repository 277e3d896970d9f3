package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which calls a time series covers: one service and kind (its outbound calls or the requests it answered),
 * optionally one peer ({@code serverAddress} and {@code serverPort} together) and one route; null means any.
 */
public record CallFilter(String service, String serverAddress, Integer serverPort, String route, CallKind kind) {

    public CallFilter {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        if ((serverAddress == null) != (serverPort == null)) {
            throw new IllegalArgumentException("a peer needs both address and port");
        }
    }

    /** A service's outbound calls. */
    public CallFilter(String service, String serverAddress, Integer serverPort, String route) {
        this(service, serverAddress, serverPort, route, CallKind.CLIENT);
    }

    /**
     * The SQL condition over the service, peer and route columns, with its values in {@code values}; the kind is the
     * caller's to add where the table has it.
     */
    String where(List<Object> values) {
        List<String> conditions = new ArrayList<>(List.of("service_name = ?"));
        values.add(service);
        if (serverAddress != null) {
            conditions.add("server_address = ?");
            conditions.add("server_port = ?");
            values.add(serverAddress);
            values.add(serverPort);
        }
        if (route != null) {
            conditions.add("route = ?");
            values.add(route);
        }
        return String.join(" AND ", conditions);
    }
}
