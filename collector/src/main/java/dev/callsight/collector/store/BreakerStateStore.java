package dev.callsight.collector.store;

import dev.callsight.collector.aggregate.BreakerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest state of each circuit breaker in {@code circuit_breaker_state}. Kept in the store rather than only in
 * memory so that it commits with the request that reported it and a restarted collector still knows every
 * breaker, including an open one whose service has stopped exporting.
 */
public final class BreakerStateStore {

    /** A point replaces the stored state only when it is newer, so a late export cannot roll a breaker back. */
    private static final String MERGE = "MERGE INTO circuit_breaker_state t USING (VALUES (CAST(? AS VARCHAR), "
            + "CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS SMALLINT), CAST(? AS BIGINT))) "
            + "s (service_name, policy, upstream, state, time_unix_nano) "
            + "ON t.service_name = s.service_name AND t.policy = s.policy AND t.upstream = s.upstream "
            + "WHEN MATCHED AND t.time_unix_nano < s.time_unix_nano THEN UPDATE SET state = s.state, "
            + "time_unix_nano = s.time_unix_nano "
            + "WHEN NOT MATCHED THEN INSERT (service_name, policy, upstream, state, time_unix_nano) "
            + "VALUES (s.service_name, s.policy, s.upstream, s.state, s.time_unix_nano)";

    /** @return the states that replaced a stored one or were new, in the order given */
    public List<BreakerState> save(Connection connection, List<BreakerState> states) throws SQLException {
        if (states.isEmpty()) {
            return List.of();
        }
        int[] changed;
        try (PreparedStatement merge = connection.prepareStatement(MERGE)) {
            for (BreakerState state : states) {
                int i = 0;
                merge.setString(++i, state.serviceName());
                merge.setString(++i, state.policy());
                merge.setString(++i, state.upstream());
                merge.setInt(++i, state.state());
                merge.setLong(++i, state.timeUnixNano());
                merge.addBatch();
            }
            changed = merge.executeBatch();
        }
        List<BreakerState> applied = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            if (changed[i] > 0) {
                applied.add(states.get(i));
            }
        }
        return applied;
    }

    public List<BreakerState> all(Connection connection) throws SQLException {
        List<BreakerState> states = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT service_name, policy, upstream, state, "
                + "time_unix_nano FROM circuit_breaker_state ORDER BY service_name, policy, upstream");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                states.add(new BreakerState(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4),
                        rows.getLong(5)));
            }
        }
        return states;
    }
}
