package dev.callsight.collector.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.aggregate.RollupKey;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SloAlertEvent;
import dev.callsight.collector.store.SloDay;
import dev.callsight.collector.store.SloStore;
import dev.callsight.collector.store.SqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SLO loop over a real H2 file, on a clock the test moves: alerts fire and resolve once, days are completed. */
class SloMonitorTest {

    private static final Instant START = Instant.parse("2026-03-15T23:00:30Z");

    @TempDir
    Path dataDir;

    private Database database;
    private final RollupStore rollups = new RollupStore();
    private final SloStore store = new SloStore(SqlDialect.H2);
    private final MovableClock clock = new MovableClock();
    private final List<List<AlertNotice>> sent = new ArrayList<>();
    private SloMonitor monitor;

    @BeforeEach
    void open() throws Exception {
        database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir.resolve("data")));
        Path slos = dataDir.resolve("slos.yaml");
        Files.writeString(slos, """
                slos:
                  - name: users
                    selector: { service: checkout }
                    sli: success
                    target: 99%
                    window: 30d
                """);
        monitor = new SloMonitor(Optional.of(SloFile.load(slos, new SloParser())), database, rollups, store,
                new SloEvaluator(rollups), clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anAlertFiresResolvesOnceAndItsDaysAreRecorded() throws SQLException {
        for (int minute = 0; minute < 10; minute++) {
            calls(START.minus(Duration.ofMinutes(minute)), 200, 50);
            calls(START.minus(Duration.ofMinutes(minute)), 503, 50);
        }
        clock.now = START;
        monitor.run(sent::add);
        assertTrue(monitor.snapshot().alert("users", AlertTier.PAGE_FAST).firing());
        // Half the calls fail: every burn tier fires, each as an alert of its own.
        assertEquals(List.of("page-fast", "page-slow", "ticket-fast", "ticket-slow"), keys(sent.get(0)));
        assertEquals(List.of(true, true, true, true), firing(sent.get(0)));

        clock.now = START.plusSeconds(60);
        monitor.run(sent::add);
        // Still firing: sent again so Alertmanager keeps it, with the start it had.
        assertEquals(List.of(true, true, true, true), firing(sent.get(1)));
        assertEquals(START, sent.get(1).get(0).startsAt());

        // Two hours of good calls later, past midnight: the 5m, 30m and 2h windows are clean, so both page tiers and
        // the fast ticket resolve; the slow ticket (3d and 6h) still holds.
        Instant later = START.plus(Duration.ofHours(2));
        for (int minute = 0; minute < 40; minute++) {
            calls(later.minus(Duration.ofMinutes(minute)), 200, 1000);
        }
        clock.now = later;
        monitor.run(sent::add);
        List<AlertNotice> resolved = sent.get(2).stream().filter(notice -> !notice.firing()).toList();
        assertEquals(List.of("page-fast", "page-slow", "ticket-fast"), keys(resolved), sent.get(2).toString());
        assertEquals(List.of("ticket-slow"), keys(sent.get(2).stream().filter(AlertNotice::firing).toList()));
        assertFalse(monitor.snapshot().alert("users", AlertTier.PAGE_FAST).firing());

        clock.now = later.plusSeconds(60);
        monitor.run(sent::add);
        assertTrue(sent.get(3).stream().allMatch(AlertNotice::firing), "resolved is sent once");

        List<SloAlertEvent> history = database.inTransaction(c -> store.alertEvents(c, "users", 10));
        assertEquals(List.of(false, false, false, true, true, true, true),
                history.stream().map(SloAlertEvent::firing).toList());
        assertEquals("ticket", history.get(0).severity());
        assertEquals("ticket-fast", history.get(0).alert());
        List<SloDay> days = database.inTransaction(c -> store.days(c, "users", 10));
        assertEquals(LocalDate.of(2026, 3, 16), days.get(0).day());
        assertEquals(40_000, days.get(0).total());
        // The 15th was completed once the day had turned, keeping the budget last evaluated on it.
        assertEquals(new SloDay("users", LocalDate.of(2026, 3, 15), 1000, 500, days.get(1).budgetRemaining()),
                days.get(1));
        assertEquals(1 - 500 / 10.0, days.get(1).budgetRemaining(), 1e-9);
    }

    @Test
    void aBlindSloRaisesNoDataAfterItsSilenceAndClearsWhenCallsReturn() throws Exception {
        Files.writeString(dataDir.resolve("slos.yaml"), """
                slos:
                  - name: renamed
                    selector: { service: checkout }
                    sli: success
                    target: 99%
                    window: 30d
                    alerting: { noDataAfter: 10m }
                  - name: quiet-by-choice
                    selector: { service: checkout }
                    sli: success
                    target: 99%
                    window: 30d
                    alerting: { noDataAfter: off }
                """);
        clock.now = START;
        monitor.run(sent::add);
        // Nothing yet, but the collector has only just started watching: no verdict before the silence has passed.
        assertTrue(monitor.snapshot().status("renamed").orElseThrow().silent());
        assertEquals(List.of(), sent.get(0));

        clock.now = START.plus(Duration.ofMinutes(10));
        monitor.run(sent::add);
        assertEquals(List.of("no-data"), keys(sent.get(1)));
        AlertNotice blind = sent.get(1).get(0);
        assertEquals("renamed", blind.slo().name());
        assertEquals(java.util.Map.of("alertname", "CallsightSloNoData", "slo", "renamed", "severity", "ticket"),
                blind.alert().labels(blind.slo()));
        assertTrue(monitor.snapshot().alert("renamed", NoDataAlert.NO_DATA).firing());
        assertTrue(Double.isNaN(monitor.snapshot().status("renamed").orElseThrow().budgetRemaining()),
                "a blind SLO does not read as a full budget");

        calls(clock.now.minusSeconds(30), 200, 5);
        clock.now = clock.now.plusSeconds(60);
        monitor.run(sent::add);
        assertEquals(List.of("no-data"), keys(sent.get(2)));
        assertFalse(sent.get(2).get(0).firing(), "resolved once calls match again");
        assertFalse(monitor.snapshot().alert("renamed", NoDataAlert.NO_DATA).firing());
    }

    private static List<String> keys(List<AlertNotice> notices) {
        return notices.stream().map(notice -> notice.alert().key()).toList();
    }

    private static List<Boolean> firing(List<AlertNotice> notices) {
        return notices.stream().map(AlertNotice::firing).toList();
    }

    private void calls(Instant at, int status, long count) throws SQLException {
        List<Long> buckets = new ArrayList<>(Collections.nCopies(CanonicalBuckets.BUCKET_COUNT, 0L));
        buckets.set(0, count);
        CallKey call = new CallKey("checkout", "users.internal", 8443, "/users/{id}", "GET", status,
                status >= 500 ? Integer.toString(status) : "", CallKind.CLIENT);
        RollupDelta delta = new RollupDelta(RollupKey.of(at.getEpochSecond() * 1_000_000_000L, call), count,
                count * 0.001, buckets);
        database.inTransaction(connection -> {
            rollups.add(connection, List.of(delta));
            return null;
        });
    }

    /** A clock the test sets. */
    private static final class MovableClock extends Clock {
        private Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
