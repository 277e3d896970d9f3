package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

/** The collector's JDBC store, H2 or PostgreSQL: a connection pool plus one-transaction-per-call helpers. */
public final class Database implements AutoCloseable {

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** H2's {@code ErrorCode.DATABASE_IS_CLOSED}. */
    private static final int H2_DATABASE_IS_CLOSED = 90098;
    /** H2's {@code ErrorCode.DATABASE_IS_READ_ONLY}. */
    private static final int H2_DATABASE_IS_READ_ONLY = 90097;
    /** How often a store opened read-only is reopened to see whether it has become writable. */
    private static final long REOPEN_INTERVAL_NANOS = 2_000_000_000L;

    private final String jdbcUrl;
    private volatile JdbcConnectionPool pool;
    private long reopenedAtNanos;

    private Database(String jdbcUrl, JdbcConnectionPool pool) {
        this.jdbcUrl = jdbcUrl;
        this.pool = pool;
        this.reopenedAtNanos = System.nanoTime();
    }

    /** Opens the store and applies any pending schema migrations. */
    public static Database open(String jdbcUrl) throws SQLException {
        Database database = new Database(jdbcUrl, pool(jdbcUrl));
        try {
            new Migrator(Migrator.class.getClassLoader()).migrate(database);
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * H2's pool over H2 or PostgreSQL connections; a PostgreSQL URL carries its own credentials
     * ({@code ?user=...&password=...}), H2's embedded file uses H2's default user.
     */
    private static JdbcConnectionPool pool(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource postgres = new PGConnectionPoolDataSource();
            postgres.setURL(jdbcUrl);
            return JdbcConnectionPool.create(postgres);
        }
        return JdbcConnectionPool.create(jdbcUrl, "sa", "");
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. H2 closes the whole
     * database after a failed write (a full disk, say) and reopens it on the next new connection, so work that
     * finds its pooled connection closed that way is run once more on a new one. H2 opens a file it cannot write
     * read-only and keeps it so; work refused for that reopens the store, at most every two seconds, and runs
     * once more, so the store becomes writable again by itself once its directory is.
     */
    public <T> T inTransaction(TransactionWork<T> work) throws SQLException {
        try {
            return inOneTransaction(work);
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_DATABASE_IS_CLOSED
                    || (e.getErrorCode() == H2_DATABASE_IS_READ_ONLY && reopenIfDue())) {
                return inOneTransaction(work);
            }
            throw e;
        }
    }

    /** Replaces the pool; H2 reopens the file once the old pool's last connection is closed. */
    private synchronized boolean reopenIfDue() {
        if (System.nanoTime() - reopenedAtNanos < REOPEN_INTERVAL_NANOS) {
            return false;
        }
        reopenedAtNanos = System.nanoTime();
        JdbcConnectionPool old = pool;
        pool = pool(jdbcUrl);
        old.dispose();
        return true;
    }

    private <T> T inOneTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    // A store that failed mid-write may be closed; the first failure says why.
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    /** A pooled connection; from the new pool when the one asked was replaced meanwhile. */
    private Connection connection() throws SQLException {
        JdbcConnectionPool asked = pool;
        try {
            return asked.getConnection();
        } catch (IllegalStateException disposed) {
            if (pool == asked) {
                throw disposed;
            }
            return pool.getConnection();
        }
    }

    /** Size of the H2 data file, empty for stores that do not report one. */
    public OptionalLong sizeBytes() {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return OptionalLong.empty();
        }
        try (Connection connection = connection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_SIZE'")) {
            return rows.next() ? OptionalLong.of(Long.parseLong(rows.getString(1))) : OptionalLong.empty();
        } catch (SQLException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Closes every pooled connection; with the last one H2 writes and closes its file. */
    @Override
    public void close() {
        pool.dispose();
    }
}
