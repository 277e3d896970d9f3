package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which calls a query covers, as an SLO selects them: one kind, and any of service, peer address, peer port, route
 * and method; null matches any value.
 */
public record CallMatch(String service, String serverAddress, Integer serverPort, String route, String method,
        CallKind kind) {

    public CallMatch {
        Objects.requireNonNull(kind, "kind");
    }

    /** The SQL condition over the key columns, with its values appended to {@code values}. */
    String where(List<Object> values) {
        List<String> conditions = new ArrayList<>(List.of("call_kind = ?"));
        values.add(kind.label());
        SqlConditions.add(conditions, values, "service_name = ?", service);
        SqlConditions.add(conditions, values, "server_address = ?", serverAddress);
        SqlConditions.add(conditions, values, "server_port = ?", serverPort);
        SqlConditions.add(conditions, values, "route = ?", route);
        SqlConditions.add(conditions, values, "http_method = ?", method);
        return String.join(" AND ", conditions);
    }
}
