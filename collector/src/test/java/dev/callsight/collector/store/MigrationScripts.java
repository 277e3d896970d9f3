package dev.callsight.collector.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The migration files as shipped, for the tests that replay them statement by statement. */
final class MigrationScripts {

    /** Work on a test database through one statement. */
    @FunctionalInterface
    interface Work {
        void run(Statement statement) throws Exception;
    }

    /** A check of a database migrated again after an earlier run stopped after {@code done} statements. */
    @FunctionalInterface
    interface Check {
        void run(Statement statement, int done) throws Exception;
    }

    private MigrationScripts() {
    }

    /**
     * For each place an earlier run of {@code migration} could have stopped (before its first statement, after it,
     * ..., after its last), on a new H2 database in {@code dir}: {@code setUp}, the statements up to that place, the
     * whole migration again as the next start would run it, then {@code check}.
     */
    static void rerunAfterEachStop(Path dir, String migration, Work setUp, Check check) throws Exception {
        List<String> statements = statements(migration);
        for (int done = 0; done <= statements.size(); done++) {
            try (Connection connection = DriverManager.getConnection("jdbc:h2:" + dir.resolve("db" + done));
                    Statement statement = connection.createStatement()) {
                setUp.run(statement);
                for (String sql : statements.subList(0, done)) {
                    statement.execute(sql);
                }
                for (String sql : statements) {
                    statement.execute(sql);
                }
                check.run(statement, done);
            }
        }
    }

    /** The statements of one file under db/migration. */
    static List<String> statements(String file) throws IOException {
        try (InputStream in = MigrationScripts.class.getClassLoader().getResourceAsStream("db/migration/" + file)) {
            return Migrator.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Runs every statement of the given files, in order, as the migrator would before a later one. */
    static void apply(Statement statement, String... files) throws IOException, SQLException {
        for (String file : files) {
            for (String sql : statements(file)) {
                statement.execute(sql);
            }
        }
    }

    /** The first column of the first row a query returns, as text. */
    static String firstValue(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
