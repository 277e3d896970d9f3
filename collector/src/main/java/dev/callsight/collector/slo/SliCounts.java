package dev.callsight.collector.slo;

/** Calls and good calls over some span of time. */
public record SliCounts(long total, long good) {

    public static final SliCounts ZERO = new SliCounts(0, 0);

    public SliCounts plus(SliCounts other) {
        return new SliCounts(total + other.total, good + other.good);
    }

    public long bad() {
        return total - good;
    }

    /** Good / total; NaN without traffic, as there is nothing to measure. */
    public double ratio() {
        return total == 0 ? Double.NaN : (double) good / total;
    }
}
