package dev.callsight.collector.store.spanlog;

/**
 * A place in the span log: the partition's hour (hours since the epoch, UTC), the segment within it and the byte
 * offset within that segment. Positions order the log: partitions are appended in rising hours.
 */
record LogPosition(long hour, int segment, long offset) implements Comparable<LogPosition> {

    /** Before every record of every partition. */
    static final LogPosition START = new LogPosition(Long.MIN_VALUE, 0, 0);

    /** The start of a partition, before its first segment. */
    static LogPosition startOf(long hour) {
        return new LogPosition(hour, 0, 0);
    }

    @Override
    public int compareTo(LogPosition other) {
        int byHour = Long.compare(hour, other.hour);
        if (byHour != 0) {
            return byHour;
        }
        int bySegment = Integer.compare(segment, other.segment);
        return bySegment != 0 ? bySegment : Long.compare(offset, other.offset);
    }

    /** The position as one number that orders as positions do (hours to year 2500, 32k segments, 512 MiB each). */
    long packed() {
        return (hour << 44) | ((long) segment << 29) | offset;
    }

    boolean after(LogPosition other) {
        return compareTo(other) > 0;
    }
}
