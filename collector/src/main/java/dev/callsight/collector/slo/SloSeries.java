package dev.callsight.collector.slo;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One SLO's calls over time, as the evaluator caches them: a ring of minutes for the recent past (the longest burn
 * window and an hour) and hour sums before that. A span's sum counts every minute or hour that overlaps it.
 */
final class SloSeries {

    static final long MINUTE = 60;
    static final long HOUR = 3600;
    /** Minutes kept: three days (the longest burn window) plus the hour in progress. */
    static final int MINUTE_SLOTS = (int) ((BurnWindow.D3.length().getSeconds() + HOUR) / MINUTE);

    private final long[] stamps = new long[MINUTE_SLOTS];
    private final long[] totals = new long[MINUTE_SLOTS];
    private final long[] goods = new long[MINUTE_SLOTS];
    private final TreeMap<Long, SliCounts> hours = new TreeMap<>();
    /** Minutes at or after this hour are in the ring, earlier ones in {@link #hours}. */
    private long horizon;

    SloSeries(long horizon) {
        this.horizon = horizon;
        Arrays.fill(stamps, Long.MIN_VALUE);
    }

    long horizon() {
        return horizon;
    }

    void addMinute(long minute, long total, long good) {
        int slot = slot(minute);
        if (stamps[slot] != minute) {
            stamps[slot] = minute;
            totals[slot] = 0;
            goods[slot] = 0;
        }
        totals[slot] += total;
        goods[slot] += good;
    }

    void clearMinute(long minute) {
        int slot = slot(minute);
        stamps[slot] = minute;
        totals[slot] = 0;
        goods[slot] = 0;
    }

    void addHour(long hour, long total, long good) {
        hours.merge(hour, new SliCounts(total, good), SliCounts::plus);
    }

    /** Moves the hours before {@code newHorizon} out of the ring into hour sums, and forgets hours before {@code oldest}. */
    void advance(long newHorizon, long oldest) {
        for (; horizon < newHorizon; horizon += HOUR) {
            SliCounts hour = sumMinutes(horizon, horizon + HOUR);
            if (hour.total() > 0) {
                hours.put(horizon, hour);
            }
        }
        hours.headMap(oldest).clear();
    }

    /** Calls in the minutes and hours that overlap {@code [from, to)}, in Unix seconds. */
    SliCounts sum(long from, long to) {
        SliCounts sum = SliCounts.ZERO;
        long hourFrom = from - Math.floorMod(from, HOUR);
        long hourTo = Math.min(horizon, to);
        if (hourFrom < hourTo) {
            for (Map.Entry<Long, SliCounts> hour : hours.subMap(hourFrom, hourTo).entrySet()) {
                sum = sum.plus(hour.getValue());
            }
        }
        return sum.plus(sumMinutes(Math.max(from - Math.floorMod(from, MINUTE), horizon), to));
    }

    private SliCounts sumMinutes(long from, long to) {
        long total = 0;
        long good = 0;
        for (long minute = from; minute < to; minute += MINUTE) {
            int slot = slot(minute);
            if (stamps[slot] == minute) {
                total += totals[slot];
                good += goods[slot];
            }
        }
        return new SliCounts(total, good);
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute / MINUTE, MINUTE_SLOTS);
    }
}
