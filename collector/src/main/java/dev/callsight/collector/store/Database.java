package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import org.h2.jdbcx.JdbcConnectionPool;

/** The collector's JDBC store: a connection pool plus one-transaction-per-call helpers. */
public final class Database implements AutoCloseable {

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String jdbcUrl;
    private final JdbcConnectionPool pool;

    private Database(String jdbcUrl, JdbcConnectionPool pool) {
        this.jdbcUrl = jdbcUrl;
        this.pool = pool;
    }

    /** Opens the store and applies any pending schema migrations. */
    public static Database open(String jdbcUrl) throws SQLException {
        Database database = new Database(jdbcUrl, JdbcConnectionPool.create(jdbcUrl, "sa", ""));
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

    /** Size of the H2 data file, empty for stores that do not report one. */
    public OptionalLong sizeBytes() {
        try (Connection connection = pool.getConnection();
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
