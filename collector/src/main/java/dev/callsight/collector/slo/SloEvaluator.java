package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.store.RollupStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Computes SLO statuses from the rollups, keeping each SLO's calls cached between evaluations: an SLO new to the
 * evaluator is read once (hour rollups for old data, minute rollups for the last three days), after which each
 * evaluation re-reads only the last few minutes, in one scan shared by every SLO. Not thread-safe: one evaluating
 * thread.
 */
public final class SloEvaluator {

    /** Minutes re-read at each evaluation, so calls exported a little late still count. */
    static final int LATE_MINUTES = 5;

    private final RollupStore rollups;
    private final Map<SloDefinition, SloSeries> cache = new HashMap<>();
    /** The minute the last evaluation read up to. */
    private long readThrough = Long.MIN_VALUE;

    public SloEvaluator(RollupStore rollups) {
        this.rollups = rollups;
    }

    /** Statuses of the SLOs at {@code now}. After a failure the cache is dropped and the next call reads afresh. */
    public List<SloStatus> evaluate(Connection connection, List<SloDefinition> slos, Instant now)
            throws SQLException {
        try {
            return read(connection, slos, now);
        } catch (SQLException | RuntimeException e) {
            cache.clear();
            readThrough = Long.MIN_VALUE;
            throw e;
        }
    }

    private List<SloStatus> read(Connection connection, List<SloDefinition> slos, Instant now) throws SQLException {
        long nowSeconds = now.getEpochSecond();
        long minute = floor(nowSeconds, SloSeries.MINUTE);
        long horizon = floor(nowSeconds, SloSeries.HOUR) - BurnWindow.D3.length().getSeconds();
        cache.keySet().retainAll(slos);
        long refreshFrom = readThrough == Long.MIN_VALUE || cache.isEmpty()
                ? horizon : Math.max(horizon, readThrough - LATE_MINUTES * SloSeries.MINUTE);
        Map<SloDefinition, SloSeries> fresh = new LinkedHashMap<>();
        for (SloDefinition slo : slos) {
            if (!cache.containsKey(slo)) {
                fresh.put(slo, new SloSeries(horizon));
            }
        }
        if (!fresh.isEmpty()) {
            long oldest = fresh.keySet().stream().mapToLong(slo -> oldestNeeded(slo, now, horizon)).min().orElseThrow();
            rollups.forEachHour(connection, oldest, horizon, new Scan(fresh, true));
            rollups.forEachMinute(connection, horizon, refreshFrom, new Scan(fresh, false));
            cache.putAll(fresh);
        }
        for (Map.Entry<SloDefinition, SloSeries> entry : cache.entrySet()) {
            SloSeries series = entry.getValue();
            series.advance(horizon, oldestNeeded(entry.getKey(), now, horizon));
            for (long m = refreshFrom; m <= minute; m += SloSeries.MINUTE) {
                series.clearMinute(m);
            }
        }
        rollups.forEachMinute(connection, refreshFrom, minute + SloSeries.MINUTE, new Scan(cache, false));
        readThrough = minute;

        List<SloStatus> statuses = new ArrayList<>(slos.size());
        long end = minute + SloSeries.MINUTE;
        for (SloDefinition slo : slos) {
            SloSeries series = cache.get(slo);
            Map<BurnWindow, SliCounts> burn = new EnumMap<>(BurnWindow.class);
            for (BurnWindow window : BurnWindow.values()) {
                burn.put(window, series.sum(nowSeconds - window.length().getSeconds(), end));
            }
            Instant windowStart = slo.window().start(now);
            SliCounts recent = slo.alerting().noDataAfter() == null ? SliCounts.ZERO
                    : series.sum(nowSeconds - slo.alerting().noDataAfter().getSeconds(), end);
            statuses.add(new SloStatus(slo, now, windowStart, series.sum(windowStart.getEpochSecond(), end), burn,
                    recent));
        }
        return statuses;
    }

    /** Calls of an evaluated SLO in the minutes and hours overlapping {@code [from, to)}; empty if not evaluated. */
    public SliCounts counts(SloDefinition slo, Instant from, Instant to) {
        SloSeries series = cache.get(slo);
        return series == null ? SliCounts.ZERO : series.sum(from.getEpochSecond(), to.getEpochSecond());
    }

    /** The first hour an SLO's window or the burn windows can reach. */
    private static long oldestNeeded(SloDefinition slo, Instant now, long horizon) {
        return Math.min(floor(slo.window().start(now).getEpochSecond(), SloSeries.HOUR), horizon);
    }

    /** Adds rows to the series of the SLOs that select them, deciding once per call key which those are. */
    private static final class Scan implements Consumer<RollupDelta> {

        private final Map<SloDefinition, SloSeries> series;
        private final boolean hours;
        private final Map<CallKey, List<Map.Entry<SloDefinition, SloSeries>>> selected = new HashMap<>();

        Scan(Map<SloDefinition, SloSeries> series, boolean hours) {
            this.series = series;
            this.hours = hours;
        }

        @Override
        public void accept(RollupDelta row) {
            CallKey call = row.key().call();
            long start = row.key().minuteUnixSeconds();
            for (Map.Entry<SloDefinition, SloSeries> entry : selected.computeIfAbsent(call, this::selecting)) {
                long good = entry.getKey().sli().good(call, row.count(), row.buckets());
                if (hours) {
                    entry.getValue().addHour(start, row.count(), good);
                } else {
                    entry.getValue().addMinute(start, row.count(), good);
                }
            }
        }

        private List<Map.Entry<SloDefinition, SloSeries>> selecting(CallKey call) {
            return series.entrySet().stream().filter(entry -> entry.getKey().selector().matches(call)).toList();
        }
    }

    private static long floor(long seconds, long unit) {
        return seconds - Math.floorMod(seconds, unit);
    }
}
