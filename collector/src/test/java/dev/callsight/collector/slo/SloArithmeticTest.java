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
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SLO arithmetic on rollups written straight into a real H2 file, evaluated at fixed instants. */
class SloArithmeticTest {

    /** Sunday 2026-03-15, 12:00:30 UTC. */
    private static final Instant NOW = Instant.parse("2026-03-15T12:00:30Z");
    private static final Selector SELECTOR = new Selector("checkout", "users.internal", 8443, null, null);
    private static final SloDefinition AVAILABILITY = slo("availability", new Sli.Success(Set.of()),
            new SloWindow.Rolling(Duration.ofDays(30)), AlertPolicy.DEFAULT);

    @TempDir
    Path dataDir;

    private Database database;
    private final RollupStore rollups = new RollupStore();

    @BeforeEach
    void open() throws SQLException {
        database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theBudgetCountsEventsSoUnevenTrafficSpendsItFairly() throws SQLException {
        // A busy day long ago (read from hour rollups) and a quiet day yesterday (minute rollups).
        calls(NOW.minus(Duration.ofDays(10)), 200, 99_500);
        calls(NOW.minus(Duration.ofDays(10)), 503, 500);
        calls(NOW.minus(Duration.ofDays(1)), 200, 950);
        calls(NOW.minus(Duration.ofDays(1)), 0, 50);

        SloStatus status = evaluate(new SloEvaluator(rollups), AVAILABILITY, NOW);

        assertEquals(101_000, status.window().total());
        assertEquals(550, status.window().bad());
        assertEquals(1 - 550 / 101_000.0, status.sli(), 1e-12);
        assertEquals(1010, status.allowedBad(), 1e-9);
        assertEquals(1 - 550 / 1010.0, status.budgetRemaining(), 1e-12);
        // Yesterday alone was at 5 % errors: five times what a 99 % SLO allows.
        assertEquals(5.0, status.burnRate(BurnWindow.D3), 1e-12);
    }

    @Test
    void aCalendarMonthResetsTheBudgetOnTheFirst() throws SQLException {
        SloDefinition monthly = slo("monthly", new Sli.Success(Set.of()), new SloWindow.Calendar(ChronoUnit.MONTHS),
                AlertPolicy.DEFAULT);
        calls(Instant.parse("2026-02-27T10:00:00Z"), 200, 50);
        calls(Instant.parse("2026-02-27T10:00:00Z"), 500, 50);
        calls(Instant.parse("2026-03-02T10:00:00Z"), 200, 100);

        SloStatus lastOfFebruary = evaluate(new SloEvaluator(rollups), monthly, Instant.parse("2026-02-28T23:59:30Z"));
        assertEquals(Instant.parse("2026-02-01T00:00:00Z"), lastOfFebruary.windowStart());
        assertEquals(100, lastOfFebruary.window().total());
        assertEquals(1 - 50 / 1.0, lastOfFebruary.budgetRemaining(), 1e-9);

        SloStatus march = evaluate(new SloEvaluator(rollups), monthly, NOW);
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), march.windowStart());
        assertEquals(new SliCounts(100, 100), march.window());
        assertEquals(1.0, march.budgetRemaining());

        SloDefinition weekly = slo("weekly", new Sli.Success(Set.of()), new SloWindow.Calendar(ChronoUnit.WEEKS),
                AlertPolicy.DEFAULT);
        calls(Instant.parse("2026-03-08T23:00:00Z"), 500, 7);
        calls(Instant.parse("2026-03-09T00:00:00Z"), 200, 3);
        SloStatus week = evaluate(new SloEvaluator(rollups), weekly, NOW);
        assertEquals(Instant.parse("2026-03-09T00:00:00Z"), week.windowStart());
        assertEquals(new SliCounts(3, 3), week.window());
    }

    @Test
    void gapsInTheDataAreNeitherGoodNorBad() throws SQLException {
        calls(NOW.minus(Duration.ofMinutes(100)), 500, 10);
        calls(NOW.minus(Duration.ofMinutes(2)), 200, 90);

        SloStatus status = evaluate(new SloEvaluator(rollups), AVAILABILITY, NOW);

        assertEquals(new SliCounts(90, 90), status.burnWindows().get(BurnWindow.M5));
        assertEquals(0.0, status.burnRate(BurnWindow.M30));
        assertEquals(new SliCounts(90, 90), status.burnWindows().get(BurnWindow.H1));
        assertEquals(new SliCounts(100, 90), status.burnWindows().get(BurnWindow.H2));
        assertEquals(10.0, status.burnRate(BurnWindow.H2), 1e-12);
        assertEquals(0.9, status.sli(), 1e-12);
    }

    @Test
    void withoutTrafficNothingIsSpentAndNothingFires() throws SQLException {
        SloStatus status = evaluate(new SloEvaluator(rollups), AVAILABILITY, NOW);

        assertEquals(SliCounts.ZERO, status.window());
        assertTrue(Double.isNaN(status.sli()));
        assertTrue(Double.isNaN(status.budgetRemaining()), "no calls say nothing of the budget");
        assertTrue(status.silent());
        for (BurnWindow window : BurnWindow.values()) {
            assertEquals(0.0, status.burnRate(window));
        }
        for (AlertTier tier : AlertTier.values()) {
            assertFalse(status.breaches(tier), tier.key());
        }
    }

    @Test
    void aFastBurnPagesUnlessTrafficIsLowOrTheTierIsOff() throws SQLException {
        for (int minute = 0; minute < 60; minute++) {
            calls(NOW.minus(Duration.ofMinutes(minute)), 200, 80);
            calls(NOW.minus(Duration.ofMinutes(minute)), 500, 20);
        }
        SloStatus status = evaluate(new SloEvaluator(rollups), AVAILABILITY, NOW);
        assertEquals(20.0, status.burnRate(BurnWindow.H1), 1e-9);
        for (AlertTier tier : AlertTier.values()) {
            assertTrue(status.breaches(tier), tier.key());
        }
        assertFalse(status.silent());

        SloDefinition noPage = slo("no-page", new Sli.Success(Set.of()), new SloWindow.Rolling(Duration.ofDays(30)),
                new AlertPolicy(false, true, 100));
        SloStatus quietPager = evaluate(new SloEvaluator(rollups), noPage, NOW);
        assertFalse(quietPager.breaches(AlertTier.PAGE_FAST));
        assertFalse(quietPager.breaches(AlertTier.PAGE_SLOW));
        assertTrue(quietPager.breaches(AlertTier.TICKET_FAST));
        assertTrue(quietPager.breaches(AlertTier.TICKET_SLOW));

        SloDefinition guarded = slo("guarded", new Sli.Success(Set.of()), new SloWindow.Rolling(Duration.ofDays(30)),
                new AlertPolicy(true, true, 6001));
        assertFalse(evaluate(new SloEvaluator(rollups), guarded, NOW).breaches(AlertTier.PAGE_FAST));
    }

    @Test
    void oneFailureInAQuietHourDoesNotPage() throws SQLException {
        calls(NOW.minus(Duration.ofMinutes(40)), 200, 4);
        calls(NOW.minus(Duration.ofMinutes(1)), 500, 1);

        SloStatus status = evaluate(new SloEvaluator(rollups), AVAILABILITY, NOW);

        assertEquals(20.0, status.burnRate(BurnWindow.H1), 1e-9);
        assertEquals(100.0, status.burnRate(BurnWindow.M5), 1e-9);
        for (AlertTier tier : AlertTier.values()) {
            assertFalse(status.breaches(tier), tier.key());
        }
    }

    @Test
    void customGoodStatusesAndLatencyThresholds() throws SQLException {
        calls(NOW.minus(Duration.ofMinutes(3)), 404, 30);
        calls(NOW.minus(Duration.ofMinutes(3)), 200, 60);
        calls(NOW.minus(Duration.ofMinutes(3)), 500, 10);
        SloDefinition found = slo("found", new Sli.Success(Set.of(200)), new SloWindow.Rolling(Duration.ofDays(7)),
                AlertPolicy.DEFAULT);
        assertEquals(new SliCounts(100, 60), evaluate(new SloEvaluator(rollups), found, NOW).window());

        // 300 ms lies between the 250 ms and 500 ms bounds: calls in the 250-500 ms bucket count as slow.
        List<Long> buckets = new ArrayList<>(java.util.Collections.nCopies(CanonicalBuckets.BUCKET_COUNT, 0L));
        buckets.set(6, 7L);
        buckets.set(7, 3L);
        write(NOW.minus(Duration.ofMinutes(3)), 201, 10, buckets);
        SloDefinition fast = slo("fast", new Sli.Latency(Duration.ofMillis(300)),
                new SloWindow.Rolling(Duration.ofDays(7)), AlertPolicy.DEFAULT);
        assertEquals(0.25, ((Sli.Latency) fast.sli()).boundSeconds());
        // The other 100 calls were written into the fastest bucket.
        assertEquals(new SliCounts(110, 107), evaluate(new SloEvaluator(rollups), fast, NOW).window());
    }

    @Test
    void anEvaluatorKeptAcrossMinutesAndHoursAgreesWithAFreshOne() throws SQLException {
        SloEvaluator kept = new SloEvaluator(rollups);
        SloDefinition monthly = slo("monthly", new Sli.Success(Set.of()), new SloWindow.Calendar(ChronoUnit.MONTHS),
                AlertPolicy.DEFAULT);
        List<SloDefinition> slos = List.of(AVAILABILITY, monthly);
        Instant at = NOW.minus(Duration.ofDays(4));
        calls(at.minus(Duration.ofDays(20)), 500, 5);
        for (int step = 0; step < 40; step++) {
            // Steps of 2h 7m cross hours, the three-day horizon and a day, with calls landing late and on time.
            calls(at.minus(Duration.ofMinutes(step % 4)), step % 3 == 0 ? 503 : 200, 10 + step);
            at = at.plus(Duration.ofMinutes(127));
            List<SloStatus> incremental = evaluateAll(kept, slos, at);
            List<SloStatus> fresh = evaluateAll(new SloEvaluator(rollups), slos, at);
            for (int i = 0; i < slos.size(); i++) {
                assertEquals(fresh.get(i).window(), incremental.get(i).window(), "step " + step);
                assertEquals(fresh.get(i).burnWindows(), incremental.get(i).burnWindows(), "step " + step);
            }
        }
    }

    @Test
    void theBreakdownRanksBadCallsByCauseAcrossHourAndMinuteRows() throws SQLException {
        Instant longAgo = NOW.minus(Duration.ofDays(10));
        calls(longAgo, 200, 9000);
        calls(longAgo, 503, 60);
        calls(NOW.minus(Duration.ofDays(1)), 200, 900);
        write(new CallKey("checkout", "users.internal", 8443, "/orders/{id}", "POST", 0, "java.io.IOException",
                CallKind.CLIENT), NOW.minus(Duration.ofHours(20)), 30, buckets(0, 30));
        // Another peer: outside the SLO's selector.
        write(new CallKey("checkout", "billing.internal", 443, "/users/{id}", "GET", 503, "503", CallKind.CLIENT),
                NOW.minus(Duration.ofDays(1)), 500, buckets(0, 500));
        // Fold every finished hour: old calls are read from hour rows, the rest from minute rows, none twice.
        database.inTransaction(connection -> rollups.downsampleHours(connection,
                NOW.minus(Duration.ofDays(2)).getEpochSecond()));

        BudgetBreakdown.Result month = breakdown(AVAILABILITY, NOW.minus(Duration.ofDays(30)), NOW);
        assertEquals(9990, month.calls());
        assertEquals(90, month.badCalls());
        assertEquals(99.9, month.allowedBad(), 1e-9);
        assertEquals(2, month.causes().size(), month.causes().toString());
        BudgetBreakdown.Cause worst = month.causes().get(0);
        assertEquals(List.of("/users/{id}", "users.internal:8443", 503, "503", 60L),
                List.of(worst.route(), worst.peer(), worst.statusCode(), worst.errorType(), worst.badCalls()));
        assertEquals(60 / 99.9, month.budgetShare(worst.badCalls()), 1e-9);
        assertEquals(java.util.Map.of("503", 60L, "0", 30L),
                month.ranking(cause -> Integer.toString(cause.statusCode())));
        assertEquals(List.of("/users/{id}", "/orders/{id}"), List.copyOf(month.ranking(BudgetBreakdown.Cause::route)
                .keySet()));

        BudgetBreakdown.Result lastTwoDays = breakdown(AVAILABILITY, NOW.minus(Duration.ofDays(2)), NOW);
        assertEquals(930, lastTwoDays.calls());
        assertEquals(List.of(30L), lastTwoDays.causes().stream().map(BudgetBreakdown.Cause::badCalls).toList());

        // A latency SLI counts the calls above its bound as bad, whatever their status.
        write(new CallKey("checkout", "users.internal", 8443, "/slow", "GET", 200, "", CallKind.CLIENT),
                NOW.minus(Duration.ofMinutes(5)), 7, buckets(8, 7));
        BudgetBreakdown.Result slow = breakdown(slo("fast", new Sli.Latency(Duration.ofMillis(250)),
                new SloWindow.Rolling(Duration.ofDays(30)), AlertPolicy.DEFAULT), NOW.minus(Duration.ofHours(1)), NOW);
        assertEquals(List.of("/slow"), slow.causes().stream().map(BudgetBreakdown.Cause::route).toList());
        assertEquals(7, slow.badCalls());
    }

    private BudgetBreakdown.Result breakdown(SloDefinition slo, Instant from, Instant to) throws SQLException {
        return database.inTransaction(connection -> new BudgetBreakdown(rollups).of(connection, slo,
                from.getEpochSecond(), to.getEpochSecond()));
    }

    private static List<Long> buckets(int bucket, long count) {
        List<Long> buckets = new ArrayList<>(java.util.Collections.nCopies(CanonicalBuckets.BUCKET_COUNT, 0L));
        buckets.set(bucket, count);
        return buckets;
    }

    private void write(CallKey call, Instant at, long count, List<Long> buckets) throws SQLException {
        RollupDelta delta = new RollupDelta(RollupKey.of(at.getEpochSecond() * 1_000_000_000L, call), count,
                count * 0.001, buckets);
        database.inTransaction(connection -> {
            rollups.add(connection, List.of(delta));
            return null;
        });
    }

    private static SloDefinition slo(String name, Sli sli, SloWindow window, AlertPolicy policy) {
        return new SloDefinition(name, "", SELECTOR, sli, new BigDecimal("0.99"), window, policy);
    }

    /** Calls that all took under 5 ms; status 0 is a call that got no response. */
    private void calls(Instant at, int status, long count) throws SQLException {
        write(at, status, count, buckets(0, count));
    }

    private void write(Instant at, int status, long count, List<Long> buckets) throws SQLException {
        write(new CallKey("checkout", "users.internal", 8443, "/users/{id}", "GET", status,
                status == 0 ? "java.io.IOException" : status >= 400 ? Integer.toString(status) : "", CallKind.CLIENT),
                at, count, buckets);
    }

    private SloStatus evaluate(SloEvaluator evaluator, SloDefinition slo, Instant at) throws SQLException {
        return evaluateAll(evaluator, List.of(slo), at).get(0);
    }

    /** As the monitor runs it: fold finished hours, then evaluate. */
    private List<SloStatus> evaluateAll(SloEvaluator evaluator, List<SloDefinition> slos, Instant at)
            throws SQLException {
        database.inTransaction(connection -> rollups.downsampleHours(connection, at.getEpochSecond() - 600));
        return database.inTransaction(connection -> evaluator.evaluate(connection, slos, at));
    }
}
