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

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
