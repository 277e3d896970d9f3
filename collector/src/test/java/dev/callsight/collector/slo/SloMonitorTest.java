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
        assertTrue(monitor.snapshot().alert("users", AlertTier.PAGE).firing());
        assertEquals(List.of(true, true), firing(sent.get(0)));

        clock.now = START.plusSeconds(60);
        monitor.run(sent::add);
        // Still firing: sent again so Alertmanager keeps it, with the start it had.
        assertEquals(List.of(true, true), firing(sent.get(1)));
        assertEquals(START, sent.get(1).get(0).startsAt());

        // Two hours of good calls later, past midnight: the 5m and 30m windows are clean, so the page resolves.
        Instant later = START.plus(Duration.ofHours(2));
        for (int minute = 0; minute < 40; minute++) {
            calls(later.minus(Duration.ofMinutes(minute)), 200, 1000);
        }
        clock.now = later;
        monitor.run(sent::add);
        List<AlertNotice> resolved = sent.get(2).stream().filter(notice -> !notice.firing()).toList();
        assertEquals(1, resolved.size(), sent.get(2).toString());
        assertEquals(AlertTier.PAGE, resolved.get(0).tier());
        assertFalse(monitor.snapshot().alert("users", AlertTier.PAGE).firing());

        clock.now = later.plusSeconds(60);
        monitor.run(sent::add);
        assertTrue(sent.get(3).stream().allMatch(AlertNotice::firing), "resolved is sent once");

        List<SloAlertEvent> history = database.inTransaction(c -> store.alertEvents(c, "users", 10));
        assertEquals(List.of(false, true, true), history.stream().map(SloAlertEvent::firing).toList());
        List<SloDay> days = database.inTransaction(c -> store.days(c, "users", 10));
        assertEquals(LocalDate.of(2026, 3, 16), days.get(0).day());
        assertEquals(40_000, days.get(0).total());
        // The 15th was completed once the day had turned, keeping the budget last evaluated on it.
        assertEquals(new SloDay("users", LocalDate.of(2026, 3, 15), 1000, 500, days.get(1).budgetRemaining()),
                days.get(1));
        assertEquals(1 - 500 / 10.0, days.get(1).budgetRemaining(), 1e-9);
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
