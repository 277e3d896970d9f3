package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallEvent;
import dev.callsight.collector.aggregate.CallEventDelta;
import dev.callsight.collector.aggregate.CallEventKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CallSite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Adds policy event deltas to the {@code call_event_minute} rollups and reads them back. */
public final class CallEventStore {

    private static final String KEY_COLUMNS = "service_name, server_address, server_port, route, http_method, "
            + "call_event, cause, qualifier";
    private static final String UPDATE = "UPDATE call_event_minute SET event_count = event_count + ? "
            + "WHERE minute_unix_s = ? AND service_name = ? AND server_address = ? AND server_port = ? AND route = ? "
            + "AND http_method = ? AND call_event = ? AND cause = ? AND qualifier = ?";
    private static final String INSERT = "INSERT INTO call_event_minute (event_count, minute_unix_s, " + KEY_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final AdditiveBatch<CallEventDelta> WRITER =
            new AdditiveBatch<>(UPDATE, INSERT, CallEventStore::bind);

    /** Adds each delta to its row, creating rows that do not exist yet, so batches for the same minute combine. */
    public void add(Connection connection, List<CallEventDelta> deltas) throws SQLException {
        WRITER.add(connection, deltas);
    }

    private static void bind(PreparedStatement statement, CallEventDelta delta) throws SQLException {
        int i = 0;
        statement.setLong(++i, delta.count());
        statement.setLong(++i, delta.minuteUnixSeconds());
        CallEventKey key = delta.key();
        CallSite site = key.site();
        statement.setString(++i, site.serviceName());
        statement.setString(++i, site.serverAddress());
        statement.setInt(++i, site.serverPort());
        statement.setString(++i, site.route());
        statement.setString(++i, site.method());
        statement.setString(++i, key.event().label());
        statement.setString(++i, key.cause());
        statement.setString(++i, key.qualifier());
    }

    /** Totals over all minutes per event key. */
    public List<CallEventTotal> totals(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + KEY_COLUMNS + ", SUM(event_count) "
                + "FROM call_event_minute GROUP BY " + KEY_COLUMNS + " ORDER BY " + KEY_COLUMNS)) {
            return totals(query);
        }
    }

    /** The totals of one service's policy events in the minutes of {@code [fromUnixSeconds, toUnixSeconds)}. */
    public List<CallEventTotal> totals(Connection connection, String service, long fromUnixSeconds,
            long toUnixSeconds) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + KEY_COLUMNS + ", SUM(event_count) "
                + "FROM call_event_minute WHERE service_name = ? AND minute_unix_s >= ? AND minute_unix_s < ? "
                + "GROUP BY " + KEY_COLUMNS + " ORDER BY " + KEY_COLUMNS)) {
            query.setString(1, service);
            query.setLong(2, fromUnixSeconds);
            query.setLong(3, toUnixSeconds);
            return totals(query);
        }
    }

    private static List<CallEventTotal> totals(PreparedStatement query) throws SQLException {
        List<CallEventTotal> totals = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                // Policy events are the agent's outbound calls only.
                CallSite site = new CallSite(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                        rows.getString(5), CallKind.CLIENT);
                totals.add(new CallEventTotal(new CallEventKey(site, CallEvent.forLabel(rows.getString(6)),
                        rows.getString(7), rows.getString(8)), rows.getLong(9)));
            }
        }
        return totals;
    }

    /** Retries and timeouts of the calls matching {@code filter} per minute of {@code [from, to)}, oldest first. */
    public List<MinuteEvents> minutes(Connection connection, CallFilter filter, long fromUnixSeconds,
            long toUnixSeconds) throws SQLException {
        if (filter.kind() == CallKind.SERVER) {
            // The agent's policies act on outbound calls only.
            return List.of();
        }
        List<Object> values = new ArrayList<>();
        String where = filter.where(values);
        values.add(fromUnixSeconds);
        values.add(toUnixSeconds);
        List<MinuteEvents> minutes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT minute_unix_s, "
                + "SUM(CASE WHEN call_event = 'retries' THEN event_count ELSE 0 END), "
                + "SUM(CASE WHEN call_event = 'timeouts' THEN event_count ELSE 0 END) FROM call_event_minute WHERE "
                + where + " AND minute_unix_s >= ? AND minute_unix_s < ? GROUP BY minute_unix_s "
                + "ORDER BY minute_unix_s")) {
            for (int i = 0; i < values.size(); i++) {
                query.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    minutes.add(new MinuteEvents(rows.getLong(1), rows.getLong(2), rows.getLong(3)));
                }
            }
        }
        return minutes;
    }
}
