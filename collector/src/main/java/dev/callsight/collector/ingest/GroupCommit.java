package dev.callsight.collector.ingest;

import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.Database.TransactionWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes of concurrent requests share transactions (group commit). Each write queues and waits for its turn at
 * the store; the thread whose turn it is writes everything queued by then in one transaction, commits once, runs
 * the writes' after-commit steps in commit order and so releases their requests. Writing each commit to the file
 * is what costs most, so under load several requests pay for one commit; alone, a write commits as before.
 *
 * <p>Writes take turns because turning cumulative points into deltas reads and then writes stream state, and two
 * batches creating the same rollup row at once would collide. If a shared transaction fails, each of its writes
 * runs again in a transaction of its own, so a write fails only for a reason of its own.
 */
final class GroupCommit {

    /** Most writes in one transaction, so that one commit, and the wait of the first write in it, stays short. */
    private static final int MAX_WRITES_PER_COMMIT = 32;

    private final Database database;
    private final ReentrantLock turn = new ReentrantLock();
    private final Queue<Write<?>> queued = new ConcurrentLinkedQueue<>();

    GroupCommit(Database database) {
        this.database = database;
    }

    /**
     * Runs {@code work} in a transaction, perhaps shared with other writes, and {@code afterCommit} on its result
     * once committed, in commit order with every other write's; returns the result after both.
     */
    <T> T write(TransactionWork<T> work, Consumer<T> afterCommit) throws SQLException {
        Write<T> write = new Write<>(work, afterCommit);
        queued.add(write);
        turn.lock();
        try {
            while (!write.finished) {
                commit(drain());
            }
        } finally {
            turn.unlock();
        }
        return write.result();
    }

    private List<Write<?>> drain() {
        List<Write<?>> group = new ArrayList<>();
        Write<?> next;
        while (group.size() < MAX_WRITES_PER_COMMIT && (next = queued.poll()) != null) {
            group.add(next);
        }
        return group;
    }

    private void commit(List<Write<?>> group) {
        try {
            database.inTransaction(connection -> {
                for (Write<?> write : group) {
                    write.run(connection);
                }
                return null;
            });
        } catch (SQLException | RuntimeException shared) {
            if (group.size() == 1) {
                group.get(0).failed(shared);
            } else {
                group.forEach(this::commitAlone);
            }
            return;
        } catch (Error fatal) {
            group.forEach(write -> write.failed(fatal));
            throw fatal;
        }
        group.forEach(Write::committed);
    }

    private void commitAlone(Write<?> write) {
        try {
            database.inTransaction(connection -> {
                write.run(connection);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            write.failed(e);
            return;
        }
        write.committed();
    }

    /** One write and its outcome; its fields are set and read only by threads holding the turn. */
    private static final class Write<T> {

        private final TransactionWork<T> work;
        private final Consumer<T> afterCommit;
        private T result;
        private Throwable failure;
        private boolean finished;

        Write(TransactionWork<T> work, Consumer<T> afterCommit) {
            this.work = work;
            this.afterCommit = afterCommit;
        }

        void run(Connection connection) throws SQLException {
            result = work.run(connection);
        }

        /** A failing after-commit step fails the request, as before, but its data stays committed. */
        void committed() {
            finished = true;
            try {
                afterCommit.accept(result);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void failed(Throwable e) {
            finished = true;
            failure = e;
        }

        T result() throws SQLException {
            if (failure instanceof SQLException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return result;
        }
    }
}
