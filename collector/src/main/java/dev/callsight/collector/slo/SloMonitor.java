package dev.callsight.collector.slo;

import com.google.gson.JsonObject;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SloAlertEvent;
import dev.callsight.collector.store.SloAlertState;
import dev.callsight.collector.store.SloDay;
import dev.callsight.collector.store.SloStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The collector's SLO loop, run once a minute (or as configured): fold finished hours into hour rollups, re-read
 * the SLO file if it changed, evaluate every SLO, move alert tiers between firing and resolved (state and history
 * in H2), record today's compliance, and tell the alert sink. Readers get the last complete evaluation.
 */
public final class SloMonitor {

    /** Everything one evaluation produced, for /metrics and the API. */
    public record Snapshot(Instant at, List<SloStatus> statuses, Map<String, Map<SloAlert, SloAlertState>> alerts,
            Optional<String> problem, Duration took) {

        public static final Snapshot EMPTY = new Snapshot(Instant.EPOCH, List.of(), Map.of(), Optional.empty(),
                Duration.ZERO);

        public Optional<SloStatus> status(String name) {
            return statuses.stream().filter(status -> status.slo().name().equals(name)).findFirst();
        }

        /** The alert's state, not firing since the epoch when it never fired. */
        public SloAlertState alert(String slo, SloAlert alert) {
            return alerts.getOrDefault(slo, Map.of()).getOrDefault(alert,
                    new SloAlertState(slo, alert.key(), false, Instant.EPOCH));
        }
    }

    /** A minute is folded into its hour once the hour has been over this long, so late exports still land. */
    private static final long DOWNSAMPLE_DELAY_SECONDS = 600;

    private final Optional<SloFile> file;
    private final Database database;
    private final RollupStore rollups;
    private final SloStore store;
    private final SloEvaluator evaluator;
    private final Clock clock;
    /** Alert states by SLO and alert, read from the store at the first evaluation. */
    private Map<String, Map<SloAlert, SloAlertState>> alerts;
    /** When this process first evaluated each SLO: a silence only counts from then, like a rule's {@code for}. */
    private final Map<String, Instant> watchedSince = new HashMap<>();
    private LocalDate completedDaysBefore;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile List<SloDefinition> definitions;
    private String lastFailure;

    public SloMonitor(Optional<SloFile> file, Database database, RollupStore rollups, SloStore store,
            SloEvaluator evaluator, Clock clock) {
        this.file = file;
        this.database = database;
        this.rollups = rollups;
        this.store = store;
        this.evaluator = evaluator;
        this.clock = clock;
        this.definitions = file.map(SloFile::current).orElse(List.of());
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The SLOs in use, as last read from the file; known before the first evaluation ends. */
    public List<SloDefinition> definitions() {
        return definitions;
    }

    /** One evaluation. Never throws: a failure is reported and the next run starts afresh. */
    public void run(AlertSink sink) {
        long started = System.nanoTime();
        try {
            Instant now = clock.instant();
            List<SloDefinition> slos = file.map(SloFile::current).orElse(List.of());
            definitions = slos;
            database.inTransaction(connection -> rollups.downsampleHours(connection,
                    now.getEpochSecond() - DOWNSAMPLE_DELAY_SECONDS));
            List<AlertNotice> notices = new ArrayList<>();
            List<SloStatus> statuses = database.inTransaction(connection -> {
                List<SloStatus> evaluated = evaluator.evaluate(connection, slos, now);
                notices.addAll(updateAlerts(connection, evaluated, now));
                recordDays(connection, evaluated, now);
                return evaluated;
            });
            snapshot = new Snapshot(now, statuses, frozen(alerts), file.flatMap(SloFile::problem),
                    Duration.ofNanos(System.nanoTime() - started));
            lastFailure = null;
            sink.send(notices);
        } catch (RuntimeException e) {
            // The transaction rolled back: read the alert states afresh from the store next time.
            alerts = null;
            String failure = "SLO evaluation failed: " + e;
            if (!failure.equals(lastFailure)) {
                System.err.println("callsight: " + failure);
            }
            lastFailure = failure;
        }
    }

    private List<AlertNotice> updateAlerts(Connection connection, List<SloStatus> statuses, Instant now)
            throws SQLException {
        if (alerts == null) {
            alerts = new HashMap<>();
            for (SloAlertState state : store.alertStates(connection)) {
                // States of alerts this version does not know (none yet) are left alone.
                SloAlert.byKey(state.alert()).ifPresent(alert ->
                        alerts.computeIfAbsent(state.slo(), slo -> new HashMap<>()).put(alert, state));
            }
        }
        List<AlertNotice> notices = new ArrayList<>();
        for (SloStatus status : statuses) {
            Instant since = watchedSince.computeIfAbsent(status.slo().name(), slo -> now);
            for (SloAlert alert : SloAlert.all()) {
                SloAlertState was = alerts.getOrDefault(status.slo().name(), Map.of()).get(alert);
                boolean firing = fires(status, alert, since, now);
                if (was == null ? firing : was.firing() != firing) {
                    was = change(connection, status.slo().name(), alert, firing, now, burnRates(status));
                    if (!firing) {
                        notices.add(new AlertNotice(status.slo(), alert, false, now, now));
                    }
                }
                if (firing) {
                    notices.add(new AlertNotice(status.slo(), alert, true, was.since(), now));
                }
            }
        }
        watchedSince.keySet().retainAll(statuses.stream().map(status -> status.slo().name()).toList());
        // An SLO taken out of the file stops alerting; its history stays.
        Set<String> current = statuses.stream().map(status -> status.slo().name()).collect(Collectors.toSet());
        for (Map<SloAlert, SloAlertState> states : List.copyOf(alerts.values())) {
            for (Map.Entry<SloAlert, SloAlertState> state : List.copyOf(states.entrySet())) {
                if (state.getValue().firing() && !current.contains(state.getValue().slo())) {
                    change(connection, state.getValue().slo(), state.getKey(), false, now, "{}");
                }
            }
        }
        return notices;
    }

    /**
     * A burn tier fires on its condition; the no-data alert once the SLO has been silent for its whole no-data
     * silence and this process has watched it that long, so a collector that just started does not call a new SLO
     * blind before its calls could arrive.
     */
    private static boolean fires(SloStatus status, SloAlert alert, Instant watchedSince, Instant now) {
        if (alert instanceof AlertTier tier) {
            return status.breaches(tier);
        }
        return alert.enabled(status.slo()) && status.silent()
                && !now.isBefore(watchedSince.plus(status.slo().alerting().noDataAfter()));
    }

    private SloAlertState change(Connection connection, String slo, SloAlert alert, boolean firing, Instant now,
            String burnRates) throws SQLException {
        SloAlertState state = new SloAlertState(slo, alert.key(), firing, now);
        store.saveAlertState(connection, state);
        store.addAlertEvent(connection, new SloAlertEvent(slo, alert.key(), alert.severity(), firing, now, burnRates));
        alerts.computeIfAbsent(slo, name -> new HashMap<>()).put(alert, state);
        return state;
    }

    /** Today's row at every evaluation; yesterday's calls once more when the day has turned, to count its end. */
    private void recordDays(Connection connection, List<SloStatus> statuses, Instant now) throws SQLException {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant todayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        boolean completeYesterday = !today.equals(completedDaysBefore);
        for (SloStatus status : statuses) {
            SloDefinition slo = status.slo();
            SliCounts day = evaluator.counts(slo, todayStart, now.plusSeconds(60));
            store.saveDay(connection, new SloDay(slo.name(), today, day.total(), day.good(), status.budgetRemaining()));
            if (completeYesterday) {
                SliCounts yesterday = evaluator.counts(slo, todayStart.minus(Duration.ofDays(1)), todayStart);
                if (yesterday.total() > 0) {
                    store.saveDay(connection, new SloDay(slo.name(), today.minusDays(1), yesterday.total(),
                            yesterday.good(), null));
                }
            }
        }
        completedDaysBefore = today;
    }

    private static String burnRates(SloStatus status) {
        JsonObject rates = new JsonObject();
        for (BurnWindow window : BurnWindow.values()) {
            rates.addProperty(window.label(), status.burnRate(window));
        }
        return rates.toString();
    }

    private static Map<String, Map<SloAlert, SloAlertState>> frozen(Map<String, Map<SloAlert, SloAlertState>> alerts) {
        Map<String, Map<SloAlert, SloAlertState>> copy = new HashMap<>();
        alerts.forEach((slo, tiers) -> copy.put(slo, Map.copyOf(tiers)));
        return Map.copyOf(copy);
    }
}
