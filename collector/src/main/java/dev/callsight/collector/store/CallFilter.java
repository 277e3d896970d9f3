package dev.callsight.collector.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which calls a time series covers: one service, optionally one peer ({@code serverAddress} and
 * {@code serverPort} together) and one route; null means any.
 */
public record CallFilter(String service, String serverAddress, Integer serverPort, String route) {

    public CallFilter {
        Objects.requireNonNull(service, "service");
        if ((serverAddress == null) != (serverPort == null)) {
            throw new IllegalArgumentException("a peer needs both address and port");
        }
    }

    /** The SQL condition over the rollup key columns, with its values in {@code values}. */
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
