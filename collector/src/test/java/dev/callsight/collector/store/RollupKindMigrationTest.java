package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** A store written before server requests were rolled up keeps its rollups, as client rows, on every store. */
class RollupKindMigrationTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ArgumentsSource(TestStores.class)
    void rollupsStoredBeforeTheKindColumnBecomeClientRows(TestStore store) throws Exception {
        String given = store.newJdbcUrl(dir);
        String url = given != null ? given : "jdbc:h2:" + dir.resolve("callsight");
        // H2 stores its first user with the file; the collector connects as sa.
        try (Connection connection = given != null ? DriverManager.getConnection(url)
                : DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            for (String file : List.of("V1__initial.sql", "V2__slo.sql", "V3__call_events.sql",
                    "V4__jaeger_query.sql")) {
                statement.execute(read(file));
            }
            for (String table : List.of("rollup_minute (minute_unix_s", "rollup_hour (hour_unix_s")) {
                statement.execute("INSERT INTO " + table + ", service_name, server_address, server_port, route, "
                        + "http_method, http_status_code, error_type, call_count, sum_seconds, b00, b01, b02, b03, b04, "
                        + "b05, b06, b07, b08, b09, b10, b11, b12, b13, b14) VALUES (3600, 'checkout', "
                        + "'users.internal', 443, '/users/{id}', 'GET', 200, '', 7, 0.7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
                        + "0, 0, 0, 0, 0)");
            }
        }

        // The store has no schema_version yet, so every migration runs again: they are idempotent by rule.
        try (Database database = Database.open(url)) {
            for (String table : List.of("rollup_minute", "rollup_hour")) {
                assertEquals("client 7 7", database.inTransaction(connection -> row(connection,
                        "SELECT call_kind, call_count, b00 FROM " + table)), table);
            }
        }
    }

    private static String row(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            String only = rows.getString(1) + " " + rows.getLong(2) + " " + rows.getLong(3);
            if (rows.next()) {
                throw new AssertionError("more than one row: " + sql);
            }
            return only;
        }
    }

    private static String read(String file) throws IOException {
        try (InputStream in = RollupKindMigrationTest.class.getClassLoader()
                .getResourceAsStream("db/migration/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
