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

    private final String jdbcUrl;
    private final SqlDialect dialect;
    private final HikariDataSource pool;

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

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
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
