package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Writes and reads the spans table. */
public final class SpanStore {

    /** How many of the latest spans a trace listing looks at for each trace it lists. */
    private static final int RECENT_SPANS_PER_TRACE = 20;

    private static final String COLUMNS = "trace_id, span_id, parent_span_id, service_name, scope_name, name, kind, "
            + "start_unix_nano, end_unix_nano, duration_nano, status_code, status_message, http_method, "
            + "server_address, server_port, route, http_status_code, error_type, resend_count, attributes, "
            + "resource_attributes";

    /** Upserts by (trace_id, span_id), so an exporter's retry of a stored batch changes nothing. */
    public void insert(Connection connection, List<SpanRecord> spans) throws SQLException {
        if (spans.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("MERGE INTO spans (" + COLUMNS
                + ") KEY (trace_id, span_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (SpanRecord span : spans) {
                int i = 0;
                insert.setString(++i, span.traceId());
                insert.setString(++i, span.spanId());
                insert.setString(++i, span.parentSpanId());
                insert.setString(++i, span.serviceName());
                insert.setString(++i, span.scopeName());
                insert.setString(++i, span.name());
                insert.setInt(++i, span.kind());
                insert.setLong(++i, span.startUnixNano());
                insert.setLong(++i, span.endUnixNano());
                insert.setLong(++i, span.durationNano());
                insert.setInt(++i, span.statusCode());
                insert.setString(++i, span.statusMessage());
                insert.setString(++i, span.httpMethod());
                insert.setString(++i, span.serverAddress());
                setInteger(insert, ++i, span.serverPort());
                insert.setString(++i, span.route());
                setInteger(insert, ++i, span.httpStatusCode());
                insert.setString(++i, span.errorType());
                setInteger(insert, ++i, span.resendCount());
                insert.setString(++i, span.attributesJson());
                insert.setString(++i, span.resourceAttributesJson());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** All spans of a trace, earliest first. */
    public List<SpanRecord> findTrace(Connection connection, String traceId) throws SQLException {
        List<SpanRecord> spans = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM spans WHERE trace_id = ? ORDER BY start_unix_nano, span_id")) {
            query.setString(1, traceId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    spans.add(new SpanRecord(
                            rows.getString("trace_id"),
                            rows.getString("span_id"),
                            rows.getString("parent_span_id"),
                            rows.getString("service_name"),
                            rows.getString("scope_name"),
                            rows.getString("name"),
                            rows.getInt("kind"),
                            rows.getLong("start_unix_nano"),
                            rows.getLong("end_unix_nano"),
                            rows.getInt("status_code"),
                            rows.getString("status_message"),
                            rows.getString("http_method"),
                            rows.getString("server_address"),
                            rows.getObject("server_port", Integer.class),
                            rows.getString("route"),
                            rows.getObject("http_status_code", Integer.class),
                            rows.getString("error_type"),
                            rows.getObject("resend_count", Integer.class),
                            rows.getString("attributes"),
                            rows.getString("resource_attributes")));
                }
            }
        }
        return spans;
    }

    /**
     * The most recent traces, newest first, optionally of one service. Only the latest spans are
     * grouped, so the cost stays flat however much is stored.
     */
    public List<TraceSummary> recentTraces(Connection connection, String service, int limit) throws SQLException {
        String recentSpans = "SELECT trace_id, name, parent_span_id, start_unix_nano, end_unix_nano, status_code FROM spans"
                + (service == null ? "" : " WHERE service_name = ?") + " ORDER BY start_unix_nano DESC LIMIT ?";
        List<TraceSummary> traces = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT trace_id, MIN(start_unix_nano) AS started, "
                + "MAX(end_unix_nano) AS ended, COUNT(*) AS spans, MAX(CASE WHEN status_code = 2 THEN 1 ELSE 0 END) AS failed, "
                + "MIN(CASE WHEN parent_span_id IS NULL THEN name END) AS root_name, MIN(name) AS any_name "
                + "FROM (" + recentSpans + ") GROUP BY trace_id ORDER BY started DESC LIMIT ?")) {
            int i = 0;
            if (service != null) {
                query.setString(++i, service);
            }
            query.setInt(++i, limit * RECENT_SPANS_PER_TRACE);
            query.setInt(++i, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String root = rows.getString("root_name");
                    traces.add(new TraceSummary(rows.getString("trace_id"), root != null ? root : rows.getString("any_name"),
                            rows.getLong("started"), rows.getLong("ended") - rows.getLong("started"),
                            rows.getInt("spans"), rows.getInt("failed") == 1));
                }
            }
        }
        return traces;
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
