package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.RollupDelta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Adds deltas to the minute rollups and reads them back. */
public final class RollupStore {

    private static final String KEY_COLUMNS = "service_name, server_address, server_port, route, http_method, "
            + "http_status_code, error_type";
    private static final List<String> BUCKET_COLUMNS = IntStream.range(0, CanonicalBuckets.BUCKET_COUNT)
            .mapToObj(i -> String.format("b%02d", i)).toList();

    private static final String UPDATE = "UPDATE rollup_minute SET call_count = call_count + ?, "
            + "sum_seconds = sum_seconds + ?, "
            + BUCKET_COLUMNS.stream().map(b -> b + " = " + b + " + ?").collect(Collectors.joining(", "))
            + " WHERE minute_unix_s = ? AND service_name = ? AND server_address = ? AND server_port = ? AND route = ?"
            + " AND http_method = ? AND http_status_code = ? AND error_type = ?";
    private static final String INSERT = "INSERT INTO rollup_minute (call_count, sum_seconds, "
            + String.join(", ", BUCKET_COLUMNS) + ", minute_unix_s, " + KEY_COLUMNS + ") VALUES ("
            + "?, ".repeat(2 + BUCKET_COLUMNS.size() + 8 - 1) + "?)";

    private static final AdditiveBatch<RollupDelta> WRITER = new AdditiveBatch<>(UPDATE, INSERT, RollupStore::bind);

    /** Adds each delta to its row, creating rows that do not exist yet, so batches for the same minute combine. */
    public void add(Connection connection, List<RollupDelta> deltas) throws SQLException {
        WRITER.add(connection, deltas);
    }

    /** Both statements take counts first, then the key, in the same order. */
    private static void bind(PreparedStatement statement, RollupDelta delta) throws SQLException {
        int i = 0;
        statement.setLong(++i, delta.count());
        statement.setDouble(++i, delta.sumSeconds());
        for (long bucket : delta.buckets()) {
            statement.setLong(++i, bucket);
        }
        CallKey call = delta.key().call();
        statement.setLong(++i, delta.key().minuteUnixSeconds());
        statement.setString(++i, call.serviceName());
        statement.setString(++i, call.serverAddress());
        statement.setInt(++i, call.serverPort());
        statement.setString(++i, call.route());
        statement.setString(++i, call.method());
        statement.setInt(++i, call.statusCode());
        statement.setString(++i, call.errorType());
    }

    /** Totals over all minutes per call key. */
    public List<CallTotal> totals(Connection connection) throws SQLException {
        String sql = "SELECT " + KEY_COLUMNS + ", SUM(call_count), SUM(sum_seconds), "
                + BUCKET_COLUMNS.stream().map(b -> "SUM(" + b + ")").collect(Collectors.joining(", "))
                + " FROM rollup_minute GROUP BY " + KEY_COLUMNS;
        List<CallTotal> totals = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                CallKey call = new CallKey(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                        rows.getString(5), rows.getInt(6), rows.getString(7));
                List<Long> buckets = new ArrayList<>(BUCKET_COLUMNS.size());
                for (int b = 0; b < BUCKET_COLUMNS.size(); b++) {
                    buckets.add(rows.getLong(10 + b));
                }
                totals.add(new CallTotal(call, rows.getLong(8), rows.getDouble(9), buckets));
            }
        }
        return totals;
    }

    /** Call counts per service, peer, route and method, ordered for display. */
    public List<CallCount> callCounts(Connection connection) throws SQLException {
        String sql = "SELECT service_name, server_address, server_port, route, http_method, SUM(call_count)"
                + " FROM rollup_minute GROUP BY service_name, server_address, server_port, route, http_method"
                + " ORDER BY service_name, server_address, server_port, route, http_method";
        List<CallCount> counts = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                counts.add(new CallCount(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                        rows.getString(5), rows.getLong(6)));
            }
        }
        return counts;
    }
}
