package dev.callsight.collector.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The collector's JDBC store, embedded H2 or PostgreSQL: a connection pool plus one-transaction-per-call helpers.
 */
public final class Database implements AutoCloseable {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

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
    private final SqlDialect dialect;
    private final HikariDataSource pool;
    private long reopenedAtNanos = System.nanoTime();

    private Database(String jdbcUrl, SqlDialect dialect, HikariDataSource pool) {
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
        this.pool = pool;
    }

    /**
     * Opens the store and applies any pending schema migrations. PostgreSQL takes its user and password from the
     * URL ({@code ?user=...&password=...}) or from {@code ~/.pgpass}.
     *
     * @throws IllegalArgumentException for a URL of a store the collector does not support
     */
    public static Database open(String jdbcUrl) throws SQLException {
        SqlDialect dialect = SqlDialect.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("callsight-store");
        config.setJdbcUrl(jdbcUrl);
        if (dialect == SqlDialect.H2) {
            config.setUsername("sa");
            config.setPassword("");
            // An embedded file has no server to drop idle connections; renewing them would only churn.
            config.setMaxLifetime(0);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException cause ? cause : new SQLException(e.getMessage(), e);
        }
        Database database = new Database(jdbcUrl, dialect, pool);
        try {
            new Migrator(Migrator.class.getClassLoader()).migrate(database);
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The URL with any password in it masked, for logs and messages. */
    public String displayUrl() {
        return redacted(jdbcUrl);
    }

    public static String redacted(String jdbcUrl) {
        return PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. H2 closes the whole
     * database after a failed write (a full disk, say) and reopens it on the next new connection, so work that
     * finds its connection closed that way runs once more on new connections. H2 opens a file it cannot write
     * read-only and keeps it so; work refused for that renews the connections, at most every two seconds, and
     * runs once more, so the store becomes writable again by itself once its directory is.
     *
     * @throws StoreDataException when the store refused the data itself (SQLSTATE class 22 or 23)
     * @throws StoreUnavailableException when the store failed otherwise
     */
    public <T> T inTransaction(TransactionWork<T> work) {
        try {
            try {
                return inOneTransaction(work);
            } catch (SQLException e) {
                boolean closed = e.getErrorCode() == H2_DATABASE_IS_CLOSED;
                boolean readOnly = e.getErrorCode() == H2_DATABASE_IS_READ_ONLY;
                if (dialect == SqlDialect.H2 && (closed || (readOnly && reopenDue()))) {
                    // Idle connections close now, busy ones when returned; with the last one H2 closes the file.
                    pool.getHikariPoolMXBean().softEvictConnections();
                    return inOneTransaction(work);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw classified(e);
        }
    }

    /** SQLSTATE class 22 (data exception) or 23 (constraint violation): the data, not the store. */
    private static RuntimeException classified(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            return new StoreDataException(e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new StoreUnavailableException(StoreFailure.of(e), e);
    }

    private synchronized boolean reopenDue() {
        if (System.nanoTime() - reopenedAtNanos < REOPEN_INTERVAL_NANOS) {
            return false;
        }
        reopenedAtNanos = System.nanoTime();
        return true;
    }

    private <T> T inOneTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
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

    /** Size of the H2 data file or the PostgreSQL database, empty when the store cannot tell. */
    public OptionalLong sizeBytes() {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(dialect.sizeQuery())) {
            return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }

    /** Closes every pooled connection; with the last one H2 writes and closes its file. */
    @Override
    public void close() {
        pool.close();
    }
}
