package dev.callsight.collector.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The migration files as shipped, for the tests that replay them statement by statement. */
final class MigrationScripts {

    private MigrationScripts() {
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
