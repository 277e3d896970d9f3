package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** SLO alert state, alert history and daily compliance. */
public final class SloStore {

    private final String saveAlertState;

    public SloStore(SqlDialect dialect) {
        this.saveAlertState = dialect.upsert("slo_alert", List.of("slo", "alert", "firing", "since_unix_ms"),
                List.of("slo", "alert"));
    }

    public List<SloAlertState> alertStates(Connection connection) throws SQLException {
        List<SloAlertState> states = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT slo, alert, firing, since_unix_ms FROM slo_alert ORDER BY slo, alert");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                states.add(new SloAlertState(rows.getString(1), rows.getString(2), rows.getBoolean(3),
                        Instant.ofEpochMilli(rows.getLong(4))));
            }
        }
        return states;
    }

    public void saveAlertState(Connection connection, SloAlertState state) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement(saveAlertState)) {
            merge.setString(1, state.slo());
            merge.setString(2, state.alert());
            merge.setBoolean(3, state.firing());
            merge.setLong(4, state.since().toEpochMilli());
            merge.executeUpdate();
        }
    }

    public void addAlertEvent(Connection connection, SloAlertEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO slo_alert_event "
                + "(slo, alert, severity, firing, at_unix_ms, burn_rates) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, event.slo());
            insert.setString(2, event.alert());
            insert.setString(3, event.severity());
            insert.setBoolean(4, event.firing());
            insert.setLong(5, event.at().toEpochMilli());
            insert.setString(6, event.burnRatesJson());
            insert.executeUpdate();
        }
    }

    /** The latest alert events of an SLO, newest first. */
    public List<SloAlertEvent> alertEvents(Connection connection, String slo, int limit) throws SQLException {
        List<SloAlertEvent> events = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT slo, alert, severity, firing, at_unix_ms, "
                + "burn_rates FROM slo_alert_event WHERE slo = ? ORDER BY at_unix_ms DESC, id DESC LIMIT ?")) {
            query.setString(1, slo);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new SloAlertEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getBoolean(4), Instant.ofEpochMilli(rows.getLong(5)), rows.getString(6)));
                }
            }
        }
        return events;
    }

    /** Every SLO's alert events at or after {@code sinceUnixMs}, oldest first, at most {@code limit} (the newest). */
    public List<SloAlertEvent> alertEventsSince(Connection connection, long sinceUnixMs, int limit)
            throws SQLException {
        List<SloAlertEvent> events = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT slo, alert, severity, firing, at_unix_ms, "
                + "burn_rates FROM slo_alert_event WHERE at_unix_ms >= ? ORDER BY at_unix_ms DESC, id DESC LIMIT ?")) {
            query.setLong(1, sinceUnixMs);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new SloAlertEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getBoolean(4), Instant.ofEpochMilli(rows.getLong(5)), rows.getString(6)));
                }
            }
        }
        Collections.reverse(events);
        return events;
    }

    /** Writes a day's calls; a null budget keeps the one stored, so a day can be completed after it ended. */
    public void saveDay(Connection connection, SloDay day) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement("MERGE INTO slo_daily d USING (VALUES "
                + "(CAST(? AS VARCHAR), CAST(? AS DATE), CAST(? AS BIGINT), CAST(? AS BIGINT), "
                + "CAST(? AS DOUBLE PRECISION))) s (slo, utc_day, total, good, budget) ON d.slo = s.slo AND d.utc_day = s.utc_day "
                + "WHEN MATCHED THEN UPDATE SET total = s.total, good = s.good, "
                + "budget_remaining = COALESCE(s.budget, d.budget_remaining) "
                + "WHEN NOT MATCHED THEN INSERT VALUES (s.slo, s.utc_day, s.total, s.good, s.budget)")) {
            merge.setString(1, day.slo());
            merge.setDate(2, Date.valueOf(day.day()));
            merge.setLong(3, day.total());
            merge.setLong(4, day.good());
            if (day.budgetRemaining() == null || day.budgetRemaining().isNaN()) {
                merge.setNull(5, Types.DOUBLE);
            } else {
                merge.setDouble(5, day.budgetRemaining());
            }
            merge.executeUpdate();
        }
    }

    /** The latest days of an SLO, newest first. */
    public List<SloDay> days(Connection connection, String slo, int limit) throws SQLException {
        List<SloDay> days = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT slo, utc_day, total, good, budget_remaining "
                + "FROM slo_daily WHERE slo = ? ORDER BY utc_day DESC LIMIT ?")) {
            query.setString(1, slo);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    double budget = rows.getDouble(5);
                    days.add(new SloDay(rows.getString(1), rows.getDate(2).toLocalDate(), rows.getLong(3),
                            rows.getLong(4), rows.wasNull() ? null : budget));
                }
            }
        }
        return days;
    }
}
