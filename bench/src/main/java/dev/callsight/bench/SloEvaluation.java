package dev.callsight.bench;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.slo.AlertPolicy;
import dev.callsight.collector.slo.Selector;
import dev.callsight.collector.slo.Sli;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloEvaluator;
import dev.callsight.collector.slo.SloStatus;
import dev.callsight.collector.slo.SloWindow;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What an SLO evaluation costs: fills an H2 store with days of minute rollups (routes × statuses rows a minute),
 * then times, as the collector's SLO loop runs them, the first fold of minutes into hours, the first evaluation
 * (which reads hour rollups and three days of minutes) and the steady evaluations after it, each of which follows
 * one more minute of calls.
 *
 * <p>Usage: {@code SloEvaluation DATA_DIR [slos] [days] [routes] [steady-runs]}.
 */
public final class SloEvaluation {

    private static final Instant NOW = Instant.parse("2026-03-31T12:00:30Z");
    private static final int STATUSES = 2;

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int slos = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int routes = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        int steadyRuns = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        Files.createDirectories(dataDir);
        try (Database database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir))) {
            RollupStore rollups = new RollupStore();
            long firstMinute = NOW.minus(Duration.ofDays(days)).getEpochSecond() / 60 * 60;
            long nowMinute = NOW.getEpochSecond() / 60 * 60;
            long started = System.nanoTime();
            long rows = database.inTransaction(c -> fill(c, firstMinute, nowMinute, routes));
            System.out.printf("filled %,d minute rows (%d days x %d routes x %d statuses) in %.1f s%n", rows, days,
                    routes, STATUSES, seconds(started));

            started = System.nanoTime();
            int hours = database.inTransaction(c -> rollups.downsampleHours(c, NOW.getEpochSecond() - 600));
            System.out.printf("first fold into hour rollups: %,d hour rows in %.1f s%n", hours, seconds(started));

            List<SloDefinition> definitions = definitions(slos, routes);
            SloEvaluator evaluator = new SloEvaluator(rollups);
            started = System.nanoTime();
            List<SloStatus> first = database.inTransaction(c -> evaluator.evaluate(c, definitions, NOW));
            System.out.printf("first evaluation of %d SLOs (reads hours and 3 days of minutes): %.0f ms%n", slos,
                    seconds(started) * 1000);

            double[] steady = new double[steadyRuns];
            for (int run = 0; run < steadyRuns; run++) {
                Instant at = NOW.plus(Duration.ofMinutes(run + 1));
                long minute = at.getEpochSecond() / 60 * 60;
                database.inTransaction(c -> fill(c, minute, minute + 60, routes));
                long t = System.nanoTime();
                database.inTransaction(c -> rollups.downsampleHours(c, at.getEpochSecond() - 600));
                database.inTransaction(c -> evaluator.evaluate(c, definitions, at));
                steady[run] = seconds(t) * 1000;
            }
            Arrays.sort(steady);
            System.out.printf("steady evaluation of %d SLOs (fold + evaluate, %d runs): median %.1f ms, max %.1f ms%n",
                    slos, steadyRuns, steady[steadyRuns / 2], steady[steadyRuns - 1]);
            System.out.printf("check: %s sli=%.5f over %,d calls%n", first.get(0).slo().name(), first.get(0).sli(),
                    first.get(0).window().total());
        }
    }

    /** One row per route and status (200 or 500) per minute, all calls in the fastest bucket. */
    private static long fill(Connection connection, long fromMinute, long toMinute, int routes) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO rollup_minute (minute_unix_s, service_name, "
                + "server_address, server_port, route, http_method, http_status_code, error_type, call_count, "
                + "sum_seconds");
        for (int b = 0; b < CanonicalBuckets.BUCKET_COUNT; b++) {
            sql.append(String.format(", b%02d", b));
        }
        sql.append(") VALUES (?, 'checkout', 'payments.internal', 443, ?, 'POST', ?, ?, ?, ?")
                .append(", ?".repeat(CanonicalBuckets.BUCKET_COUNT)).append(")");
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            for (long minute = fromMinute; minute < toMinute; minute += 60) {
                for (int route = 0; route < routes; route++) {
                    for (int status = 0; status < STATUSES; status++) {
                        long count = status == 0 ? 600 : 1 + (minute / 60 + route) % 3;
                        int i = 0;
                        insert.setLong(++i, minute);
                        insert.setString(++i, "/route/" + route);
                        insert.setInt(++i, status == 0 ? 200 : 500);
                        insert.setString(++i, status == 0 ? "" : "500");
                        insert.setLong(++i, count);
                        insert.setDouble(++i, count * 0.004);
                        for (int b = 0; b < CanonicalBuckets.BUCKET_COUNT; b++) {
                            insert.setLong(++i, b == 0 ? count : 0);
                        }
                        insert.addBatch();
                        rows++;
                    }
                }
                if (rows % 10_000 < routes * STATUSES) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        return rows;
    }

    /** Half success SLOs, half latency; a third on calendar months; each on one route. */
    private static List<SloDefinition> definitions(int count, int routes) {
        List<SloDefinition> slos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Selector selector = new Selector("checkout", "payments.internal", 443, "/route/" + (i % routes), "POST");
            Sli sli = i % 2 == 0 ? new Sli.Success(Set.of()) : new Sli.Latency(Duration.ofMillis(300));
            SloWindow window = i % 3 == 0 ? new SloWindow.Calendar(ChronoUnit.MONTHS)
                    : new SloWindow.Rolling(Duration.ofDays(30));
            slos.add(new SloDefinition("slo-" + i, "", selector, sli, new BigDecimal("0.999"), window,
                    AlertPolicy.DEFAULT));
        }
        return slos;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
