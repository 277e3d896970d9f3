package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CallSite;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.aggregate.RollupKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Adds deltas to the minute rollups, folds old minutes into hour rollups, and reads both back. */
public final class RollupStore {

    private static final String KEY_COLUMNS = "service_name, server_address, server_port, route, http_method, "
            + "http_status_code, error_type, call_kind";
    private static final List<String> BUCKET_COLUMNS = IntStream.range(0, CanonicalBuckets.BUCKET_COUNT)
            .mapToObj(i -> String.format("b%02d", i)).toList();

    private static final String UPDATE = "UPDATE rollup_minute SET call_count = call_count + ?, "
            + "sum_seconds = sum_seconds + ?, "
            + BUCKET_COLUMNS.stream().map(b -> b + " = " + b + " + ?").collect(Collectors.joining(", "))
            + " WHERE minute_unix_s = ? AND service_name = ? AND server_address = ? AND server_port = ? AND route = ?"
            + " AND http_method = ? AND http_status_code = ? AND error_type = ? AND call_kind = ?";
    private static final String INSERT = "INSERT INTO rollup_minute (call_count, sum_seconds, "
            + String.join(", ", BUCKET_COLUMNS) + ", minute_unix_s, " + KEY_COLUMNS + ") VALUES ("
            + "?, ".repeat(2 + BUCKET_COLUMNS.size() + 9 - 1) + "?)";

    private static final AdditiveBatch<RollupDelta> WRITER = new AdditiveBatch<>(UPDATE, INSERT, RollupStore::bind);

    private static final AdditiveBatch<CallTotal> TOTALS = new AdditiveBatch<>(
            "UPDATE rollup_total SET call_count = call_count + ?, sum_seconds = sum_seconds + ?, "
                    + BUCKET_COLUMNS.stream().map(b -> b + " = " + b + " + ?").collect(Collectors.joining(", "))
                    + " WHERE service_name = ? AND server_address = ? AND server_port = ? AND route = ?"
                    + " AND http_method = ? AND http_status_code = ? AND error_type = ? AND call_kind = ?",
            "INSERT INTO rollup_total (call_count, sum_seconds, " + String.join(", ", BUCKET_COLUMNS) + ", "
                    + KEY_COLUMNS + ") VALUES (" + "?, ".repeat(2 + BUCKET_COLUMNS.size() + 8 - 1) + "?)",
            RollupStore::bindTotal);

    private static final String SITE_KEY = "service_name = ? AND call_kind = ? AND server_address = ? "
            + "AND server_port = ? AND route = ? AND http_method = ?";
    private static final AdditiveBatch<Map.Entry<CallSite, Long>> SITES = new AdditiveBatch<>(
            "UPDATE call_site SET call_count = call_count + ? WHERE " + SITE_KEY,
            "INSERT INTO call_site (call_count, service_name, call_kind, server_address, server_port, route, "
                    + "http_method) VALUES (?, ?, ?, ?, ?, ?, ?)",
            RollupStore::bindSite);

    /**
     * Adds each delta to its row, creating rows that do not exist yet, so batches for the same minute combine; and
     * its calls to its call key's running total and its call site's.
     */
    public void add(Connection connection, List<RollupDelta> deltas) throws SQLException {
        WRITER.add(connection, deltas);
        Map<CallKey, CallTotal> totals = new LinkedHashMap<>();
        deltas.forEach(delta -> totals.merge(delta.key().call(), CallTotal.of(delta), CallTotal::plus));
        TOTALS.add(connection, List.copyOf(totals.values()));
        Map<CallSite, Long> sites = new LinkedHashMap<>();
        deltas.forEach(delta -> sites.merge(delta.key().call().site(), delta.count(), Long::sum));
        SITES.add(connection, List.copyOf(sites.entrySet()));
    }

    private static void bindSite(PreparedStatement statement, Map.Entry<CallSite, Long> site) throws SQLException {
        CallSite key = site.getKey();
        int i = 0;
        statement.setLong(++i, site.getValue());
        statement.setString(++i, key.serviceName());
        statement.setString(++i, key.kind().label());
        statement.setString(++i, key.serverAddress());
        statement.setInt(++i, key.serverPort());
        statement.setString(++i, key.route());
        statement.setString(++i, key.method());
    }

    /** Both statements take counts first, then the key, in the same order. */
    private static void bind(PreparedStatement statement, RollupDelta delta) throws SQLException {
        int i = bindCounts(statement, delta.count(), delta.sumSeconds(), delta.buckets());
        statement.setLong(++i, delta.key().minuteUnixSeconds());
        bindKey(statement, i, delta.key().call());
    }

    private static void bindTotal(PreparedStatement statement, CallTotal total) throws SQLException {
        bindKey(statement, bindCounts(statement, total.count(), total.sumSeconds(), total.buckets()), total.call());
    }

    /** @return the last parameter index bound */
    private static int bindCounts(PreparedStatement statement, long count, double sumSeconds, List<Long> buckets)
            throws SQLException {
        int i = 0;
        statement.setLong(++i, count);
        statement.setDouble(++i, sumSeconds);
        for (long bucket : buckets) {
            statement.setLong(++i, bucket);
        }
        return i;
    }

    /** Binds the call key in {@link #KEY_COLUMNS} order after parameter {@code last}. */
    private static void bindKey(PreparedStatement statement, int last, CallKey call) throws SQLException {
        int i = last;
        statement.setString(++i, call.serviceName());
        statement.setString(++i, call.serverAddress());
        statement.setInt(++i, call.serverPort());
        statement.setString(++i, call.route());
        statement.setString(++i, call.method());
        statement.setInt(++i, call.statusCode());
        statement.setString(++i, call.errorType());
        statement.setString(++i, call.kind().label());
    }

    /** Totals over all minutes per call key, kept as deltas are added: startup reads no minute rows. */
    public List<CallTotal> totals(Connection connection) throws SQLException {
        List<CallTotal> totals = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT " + KEY_COLUMNS + ", call_count, "
                + "sum_seconds, " + String.join(", ", BUCKET_COLUMNS) + " FROM rollup_total");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                totals.add(new CallTotal(callKey(rows, 1), rows.getLong(9), rows.getDouble(10), buckets(rows, 11)));
            }
        }
        return totals;
    }

    /** Sums of the rows of {@code source} (a table, or a subquery with its {@code values}) per call key. */
    private static List<CallTotal> totalsPerKey(Connection connection, String source, List<Object> values)
            throws SQLException {
        String sql = "SELECT " + KEY_COLUMNS + ", SUM(call_count), SUM(sum_seconds), "
                + BUCKET_COLUMNS.stream().map(b -> "SUM(" + b + ")").collect(Collectors.joining(", "))
                + " FROM " + source + " GROUP BY " + KEY_COLUMNS;
        List<CallTotal> totals = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                query.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    totals.add(new CallTotal(callKey(rows, 1), rows.getLong(9), rows.getDouble(10),
                            buckets(rows, 11)));
                }
            }
        }
        return totals;
    }

    /** The call key in {@link #KEY_COLUMNS} order, starting at column {@code first}. */
    private static CallKey callKey(ResultSet rows, int first) throws SQLException {
        return new CallKey(rows.getString(first), rows.getString(first + 1), rows.getInt(first + 2),
                rows.getString(first + 3), rows.getString(first + 4), rows.getInt(first + 5), rows.getString(first + 6),
                CallKind.ofLabel(rows.getString(first + 7)));
    }

    private static List<Long> buckets(ResultSet rows, int first) throws SQLException {
        List<Long> buckets = new ArrayList<>(BUCKET_COLUMNS.size());
        for (int b = 0; b < BUCKET_COLUMNS.size(); b++) {
            buckets.add(rows.getLong(first + b));
        }
        return buckets;
    }

    /** Call counts per service, kind, peer, route and method, ordered for display. */
    public List<CallCount> callCounts(Connection connection) throws SQLException {
        String sql = "SELECT service_name, server_address, server_port, route, http_method, call_count, call_kind"
                + " FROM call_site ORDER BY service_name, call_kind, server_address, server_port, route, http_method";
        List<CallCount> counts = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                counts.add(new CallCount(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                        rows.getString(5), rows.getLong(6), CallKind.ofLabel(rows.getString(7))));
            }
        }
        return counts;
    }

    /**
     * The calls matching {@code filter} per minute of {@code [fromUnixSeconds, toUnixSeconds)}, oldest first; a call
     * failed when it got no response or a 5xx, as for the success SLI.
     */
    public List<MinuteCalls> minutes(Connection connection, CallFilter filter, long fromUnixSeconds,
            long toUnixSeconds) throws SQLException {
        return calls(connection, "rollup_minute", "minute_unix_s", filter, fromUnixSeconds, toUnixSeconds);
    }

    /**
     * As {@link #minutes}, per folded hour (each {@link MinuteCalls} at its hour's first minute); only hours before
     * {@link #foldedUntil} are there.
     */
    public List<MinuteCalls> hours(Connection connection, CallFilter filter, long fromUnixSeconds,
            long toUnixSeconds) throws SQLException {
        return calls(connection, "rollup_hour", "hour_unix_s", filter, fromUnixSeconds, toUnixSeconds);
    }

    /** The end of the hours folded into hour rows so far; empty before the first fold. */
    /**
     * The first minute at or after {@code fromUnixSeconds} with calls of {@code service} of this kind, by the
     * (service, kind, minute) index; empty when it has none.
     */
    public OptionalLong firstMinute(Connection connection, String service, CallKind kind, long fromUnixSeconds)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MIN(minute_unix_s) FROM rollup_minute"
                + " WHERE service_name = ? AND call_kind = ? AND minute_unix_s >= ?")) {
            query.setString(1, service);
            query.setString(2, kind.label());
            query.setLong(3, fromUnixSeconds);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                long first = rows.getLong(1);
                return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(first);
            }
        }
    }

    public OptionalLong foldedUntil(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MAX(hour_unix_s) + 3600 FROM rollup_hour");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            long until = rows.getLong(1);
            return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(until);
        }
    }

    private List<MinuteCalls> calls(Connection connection, String table, String timeColumn, CallFilter filter,
            long fromUnixSeconds, long toUnixSeconds) throws SQLException {
        List<Object> values = new ArrayList<>();
        String where = filter.where(values) + " AND call_kind = ?";
        values.add(filter.kind().label());
        String sql = "SELECT " + timeColumn + ", SUM(call_count), SUM(CASE WHEN http_status_code = 0 OR "
                + "http_status_code >= 500 THEN call_count ELSE 0 END), "
                + BUCKET_COLUMNS.stream().map(b -> "SUM(" + b + ")").collect(Collectors.joining(", "))
                + " FROM " + table + " WHERE " + where + " AND " + timeColumn + " >= ? AND " + timeColumn + " < ?"
                + " GROUP BY " + timeColumn + " ORDER BY " + timeColumn;
        values.add(fromUnixSeconds);
        values.add(toUnixSeconds);
        List<MinuteCalls> calls = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                query.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    calls.add(new MinuteCalls(rows.getLong(1), rows.getLong(2), rows.getLong(3), buckets(rows, 4)));
                }
            }
        }
        return calls;
    }

    /**
     * The matching calls of {@code [fromUnixSeconds, toUnixSeconds)} summed per call key, in one query: folded hours
     * from the hour rows, the rest from the minute rows. An hour or minute that overlaps the range counts whole, as
     * the SLO evaluation counts it; a month reads about 720 hour rows per key instead of 43,200 minute rows.
     */
    public List<CallTotal> totalsBetween(Connection connection, CallMatch match, long fromUnixSeconds,
            long toUnixSeconds) throws SQLException {
        long firstHour = fromUnixSeconds - Math.floorMod(fromUnixSeconds, 3600);
        long split = Math.max(firstHour, Math.min(foldedUntil(connection).orElse(firstHour),
                toUnixSeconds - Math.floorMod(toUnixSeconds, 3600)));
        long firstMinute = Math.max(split, fromUnixSeconds - Math.floorMod(fromUnixSeconds, 60));
        String columns = KEY_COLUMNS + ", call_count, sum_seconds, " + String.join(", ", BUCKET_COLUMNS);
        List<Object> values = new ArrayList<>();
        String hourWhere = match.where(values);
        values.add(firstHour);
        values.add(split);
        String minuteWhere = match.where(values);
        values.add(firstMinute);
        values.add(toUnixSeconds);
        return totalsPerKey(connection, "(SELECT " + columns + " FROM rollup_hour WHERE " + hourWhere
                + " AND hour_unix_s >= ? AND hour_unix_s < ? UNION ALL SELECT " + columns + " FROM rollup_minute WHERE "
                + minuteWhere + " AND minute_unix_s >= ? AND minute_unix_s < ?) r", values);
    }

    /**
     * Visits the minute rows of {@code [fromUnixSeconds, toUnixSeconds)}; each row's key holds its minute. Rows
     * stream from the cursor, so a scan over days never holds them all.
     */
    public void forEachMinute(Connection connection, long fromUnixSeconds, long toUnixSeconds,
            Consumer<RollupDelta> visitor) throws SQLException {
        forEach(connection, "rollup_minute", "minute_unix_s", fromUnixSeconds, toUnixSeconds, visitor);
    }

    /** Visits the hour rows of {@code [fromUnixSeconds, toUnixSeconds)}; each row's key holds its hour. */
    public void forEachHour(Connection connection, long fromUnixSeconds, long toUnixSeconds,
            Consumer<RollupDelta> visitor) throws SQLException {
        forEach(connection, "rollup_hour", "hour_unix_s", fromUnixSeconds, toUnixSeconds, visitor);
    }

    private static void forEach(Connection connection, String table, String timeColumn, long from, long to,
            Consumer<RollupDelta> visitor) throws SQLException {
        String sql = "SELECT " + timeColumn + ", " + KEY_COLUMNS + ", call_count, sum_seconds, "
                + String.join(", ", BUCKET_COLUMNS) + " FROM " + table + " WHERE " + timeColumn + " >= ? AND "
                + timeColumn + " < ?";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, from);
            query.setLong(2, to);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    visitor.accept(new RollupDelta(new RollupKey(rows.getLong(1), callKey(rows, 2)), rows.getLong(10),
                            rows.getDouble(11), buckets(rows, 12)));
                }
            }
        }
    }

    /**
     * Sums every complete hour of minute rows before {@code beforeUnixSeconds} that is not yet in
     * {@code rollup_hour} into it. Hours are folded in order, so everything below the newest hour row is done;
     * minutes arriving for an hour after it was folded stay in the minute rows only.
     *
     * @return the number of hour rows written
     */
    public int downsampleHours(Connection connection, long beforeUnixSeconds) throws SQLException {
        long before = beforeUnixSeconds - Math.floorMod(beforeUnixSeconds, 3600);
        long from;
        try (PreparedStatement query = connection.prepareStatement("SELECT (SELECT MAX(hour_unix_s) + 3600 FROM "
                + "rollup_hour), (SELECT MIN(minute_unix_s) FROM rollup_minute)");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            long nextHour = rows.getLong(1);
            boolean folded = !rows.wasNull();
            long firstMinute = rows.getLong(2);
            if (rows.wasNull()) {
                return 0;
            }
            from = folded ? nextHour : firstMinute - Math.floorMod(firstMinute, 3600);
        }
        if (from >= before) {
            return 0;
        }
        String sums = "SUM(call_count), SUM(sum_seconds), "
                + BUCKET_COLUMNS.stream().map(b -> "SUM(" + b + ")").collect(Collectors.joining(", "));
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_hour (hour_unix_s, "
                + KEY_COLUMNS + ", call_count, sum_seconds, " + String.join(", ", BUCKET_COLUMNS) + ") SELECT "
                + "minute_unix_s - MOD(minute_unix_s, 3600), " + KEY_COLUMNS + ", " + sums
                + " FROM rollup_minute WHERE minute_unix_s >= ? AND minute_unix_s < ? GROUP BY "
                + "minute_unix_s - MOD(minute_unix_s, 3600), " + KEY_COLUMNS)) {
            insert.setLong(1, from);
            insert.setLong(2, before);
            return insert.executeUpdate();
        }
    }
}
