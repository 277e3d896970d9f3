package dev.callsight.collector.store.spanlog;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.logging.Logger;

/**
 * Follows the span log into the partition indexes, on a thread of its own: reads what the log has made durable,
 * adds each span to its hour's index, makes it searchable about every {@code refreshEvery} (then lets
 * {@link RecentSpans} go of it) and commits about every {@code commitEvery}, recording the log position covered.
 * When the log moves to a new hour the previous hour's index is sealed. A failed index write (a full disk) rolls
 * the index back to its last commit and replays the log from there once the write works again.
 */
final class SpanIndexer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SpanIndexer.class.getName());
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    /** How long after an hour's end the log may still be forcing a record it filed under that hour. */
    static final Duration SEAL_GRACE = Duration.ofMinutes(1);

    private final SpanLog log;
    private final ConcurrentNavigableMap<Long, PartitionIndex> indexes;
    private final RecentSpans recent;
    private final long refreshEveryNanos;
    private final long commitEveryNanos;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;
    /** The log has nothing past the position and the clock has left its hour: that hour is sealed and complete. */
    private volatile boolean idle;
    /** Only the indexer's thread (or the opening thread before it starts) touches what follows. */
    private volatile LogPosition position;
    private PartitionIndex current;
    /** Where searches of the index see the log up to. */
    private LogPosition searchable;
    private boolean unrefreshed;
    private boolean uncommitted;
    private long refreshedAt = System.nanoTime();
    private long committedAt = System.nanoTime();

    SpanIndexer(SpanLog log, ConcurrentNavigableMap<Long, PartitionIndex> indexes, RecentSpans recent,
            LogPosition from, Duration refreshEvery, Duration commitEvery, Clock clock) {
        this.log = log;
        this.indexes = indexes;
        this.recent = recent;
        this.position = from;
        this.searchable = from;
        this.refreshEveryNanos = refreshEvery.toNanos();
        this.commitEveryNanos = commitEvery.toNanos();
        this.clock = clock;
        this.thread = new Thread(this::run, "callsight-span-indexer");
        thread.setDaemon(true);
    }

    /**
     * Indexes the log up to its end, then makes it searchable and durable, before the indexer's thread starts: what
     * a restart replays is searchable when the store opens. When the index cannot be written (a read-only data
     * directory), what it could not index is held for trace lookups, and the thread tries again.
     */
    void catchUp() {
        try {
            finish();
        } catch (IOException | RuntimeException e) {
            rollBack(e);
            try {
                log.read(position, log.end(), recent::add);
            } catch (IOException | RuntimeException readFailure) {
                LOG.warning("span index: cannot hold the unindexed spans for lookups: " + readFailure);
            }
        }
    }

    /** Indexes the log up to its end and makes it all searchable and durable. */
    private void finish() throws IOException {
        LogPosition end = log.end();
        if (end.after(position)) {
            readUpTo(end);
        }
        flush();
    }

    void start() {
        thread.start();
    }

    /**
     * Hours before this one are indexed whole and sealed, so retention may drop, merge and compact them: those before
     * the hour being indexed; once the indexer is idle, every hour the clock has left.
     */
    long sealedBefore() {
        long hour = position.hour();
        if (!idle) {
            return hour;
        }
        return Math.max(hour + 1, Math.floorDiv(clock.millis() - SEAL_GRACE.toMillis(), SpanLog.HOUR_MILLIS));
    }

    private void run() {
        while (!closed) {
            try {
                LogPosition end = log.awaitEndAfter(position, Duration.ofNanos(refreshEveryNanos));
                if (end.after(position)) {
                    readUpTo(end);
                }
                maybeFlush();
                sealIfIdle();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }
    }

    /** Every record up to {@code end} is read, including none at all after the last one (an empty segment). */
    private void readUpTo(LogPosition end) throws IOException {
        log.read(position, end, this::add);
        position = end;
    }

    private void add(LogPosition after, byte[] payload) throws IOException {
        if (current == null || current.hour() != after.hour()) {
            switchTo(after.hour());
        }
        // A replay that starts before an hour whose index was kept (one rebuilt earlier) passes over what it holds.
        if (after.after(current.committed())) {
            current.add(SpanDocuments.ofRecord(after, payload));
        }
        position = after;
        unrefreshed = true;
        uncommitted = true;
        maybeFlush();
    }

    /**
     * Seals the hour of the position once the log has nothing past it and the clock has left that hour (by
     * {@link #SEAL_GRACE}): the log files no record under an hour it has left, so the hour is complete. Retention can
     * then merge and compact it without waiting for a later hour's spans, which an idle collector never gets.
     */
    private void sealIfIdle() throws IOException {
        if (idle || log.end().after(position)
                || clock.millis() < (position.hour() + 1) * SpanLog.HOUR_MILLIS + SEAL_GRACE.toMillis()) {
            return;
        }
        if (current != null && current.writable()) {
            sealCurrent();
        }
        current = null;
        idle = true;
    }

    private void switchTo(long hour) throws IOException {
        idle = false;
        if (current != null && current.writable()) {
            sealCurrent();
        }
        PartitionIndex index = indexes.get(hour);
        if (index == null) {
            index = PartitionIndex.openWritable(hour, log.directory(hour).resolve("index"));
            indexes.put(hour, index);
        } else {
            index.makeWritable();
        }
        current = index;
    }

    private void sealCurrent() throws IOException {
        recent.refreshing();
        current.refresh();
        current.seal(position);
        unrefreshed = false;
        uncommitted = false;
        searchable(position);
    }

    private void maybeFlush() throws IOException {
        long now = System.nanoTime();
        if (unrefreshed && now - refreshedAt >= refreshEveryNanos) {
            recent.refreshing();
            current.refresh();
            unrefreshed = false;
            refreshedAt = now;
            searchable(position);
        }
        if (uncommitted && now - committedAt >= commitEveryNanos) {
            current.commit(position);
            uncommitted = false;
            committedAt = now;
        }
    }

    private void flush() throws IOException {
        if (current != null && current.writable() && (unrefreshed || uncommitted)) {
            recent.refreshing();
            current.refresh();
            current.commit(position);
            unrefreshed = false;
            uncommitted = false;
        }
        searchable(position);
    }

    private void searchable(LogPosition upTo) {
        searchable = upTo;
        recent.searchableUpTo(upTo);
    }

    /**
     * Back to the last commit of the index being written; the log is read again from there on the next round. What
     * was searchable past that commit goes back into {@link RecentSpans}, so trace lookups keep finding it meanwhile.
     */
    private void failed(Exception e) {
        rollBack(e);
        try {
            Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void rollBack(Exception e) {
        LOG.warning("span index: " + e + "; replaying the log from the last index commit in "
                + RETRY_AFTER_FAILURE.toSeconds() + " s");
        if (current != null && current.writable()) {
            try {
                current.rollback();
            } catch (IOException | RuntimeException rollbackFailure) {
                LOG.warning("span index: rollback failed: " + rollbackFailure);
            }
            position = current.committed();
            if (searchable.after(position)) {
                try {
                    recent.rewind(position);
                    log.read(position, searchable, recent::add);
                } catch (IOException | RuntimeException readFailure) {
                    LOG.warning("span index: cannot hold the rolled back spans for lookups: " + readFailure);
                }
                searchable = position;
            }
        }
        current = null;
        idle = false;
        unrefreshed = false;
        uncommitted = false;
    }

    /** Stops the thread, then indexes and commits what the log holds, so a clean restart replays nothing. */
    @Override
    public void close() {
        // No interrupt: it would close Lucene's open files under the writer; the thread sees the flag within a refresh.
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            finish();
        } catch (IOException | RuntimeException e) {
            LOG.warning("span index: final commit failed (" + e + "); the next start replays the log");
        }
    }
}
