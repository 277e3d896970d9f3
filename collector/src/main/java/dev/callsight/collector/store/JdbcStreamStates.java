package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.StreamState;
import dev.callsight.collector.aggregate.StreamStateRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Cumulative stream state in the {@code cumulative_stream} table, read and written on the caller's transaction. */
public final class JdbcStreamStates implements StreamStateRepository {

    private final Connection connection;
    private final String upsert;

    public JdbcStreamStates(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.upsert = dialect.upsert("cumulative_stream", List.of("stream_id", "start_unix_nano", "time_unix_nano",
                "point_count", "sum_value", "bounds", "bucket_counts"), List.of("stream_id"));
    }

    @Override
    public Optional<StreamState> find(String streamId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT start_unix_nano, time_unix_nano, "
                + "point_count, sum_value, bounds, bucket_counts FROM cumulative_stream WHERE stream_id = ?")) {
            query.setString(1, streamId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StreamState(rows.getLong(1), rows.getLong(2), rows.getLong(3),
                        rows.getDouble(4), parse(rows.getString(5), Double::valueOf),
                        parse(rows.getString(6), Long::valueOf)));
            }
        }
    }

    @Override
    public void save(String streamId, StreamState state) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement(upsert)) {
            merge.setString(1, streamId);
            merge.setLong(2, state.startUnixNano());
            merge.setLong(3, state.timeUnixNano());
            merge.setLong(4, state.count());
            merge.setDouble(5, state.sumSeconds());
            merge.setString(6, format(state.boundsSeconds()));
            merge.setString(7, format(state.bucketCounts()));
            merge.executeUpdate();
        }
    }

    /** Doubles print with full precision, so a round trip compares equal to the next point's bounds. */
    private static String format(List<? extends Number> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static <T> List<T> parse(String text, Function<String, T> parser) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(parser).toList();
    }
}
