package dev.callsight.collector.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A span search for the web UI: spans started within [{@code startFromNano}, {@code startToNano}], each other
 * criterion optional (null: any). {@code status} is an HTTP status code, {@code errorType} an exact
 * {@code error.type}, {@code tags} key to value as text that the span must all carry ({@link SpanTags#searchable}, as
 * the Jaeger API's {@code tags}; empty: any).
 */
public record SpanSearch(String service, String serverAddress, Integer serverPort, String route, Integer status,
        String errorType, Long minDurationNano, Map<String, String> tags, long startFromNano, long startToNano,
        int limit) {

    public SpanSearch {
        tags = Map.copyOf(tags);
        if ((serverAddress == null) != (serverPort == null)) {
            throw new IllegalArgumentException("a peer needs both address and port");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }

    /** The SQL condition over the spans table, with its values in {@code values}; tags are not in it. */
    String where(List<Object> values) {
        List<String> conditions = new ArrayList<>(List.of("start_unix_nano BETWEEN ? AND ?"));
        values.add(startFromNano);
        values.add(startToNano);
        add(conditions, values, "service_name = ?", service);
        add(conditions, values, "server_address = ?", serverAddress);
        add(conditions, values, "server_port = ?", serverPort);
        add(conditions, values, "route = ?", route);
        add(conditions, values, "http_status_code = ?", status);
        add(conditions, values, "error_type = ?", errorType);
        add(conditions, values, "duration_nano >= ?", minDurationNano);
        return String.join(" AND ", conditions);
    }

    private static void add(List<String> conditions, List<Object> values, String condition, Object value) {
        SqlConditions.add(conditions, values, condition, value);
    }
}
