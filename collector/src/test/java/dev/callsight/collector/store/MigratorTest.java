package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigratorTest {

    @TempDir
    Path dir;

    @Test
    void aVersionListedBelowAnAppliedOneStillRuns() throws Exception {
        try (Database database = Database.open("jdbc:h2:" + dir.resolve("db"))) {
            long before = count(database, "SELECT COUNT(*) FROM schema_version");
            new Migrator(resources("V1__initial.sql\nV2__late.sql\nV3__call_events.sql\n",
                    "CREATE TABLE IF NOT EXISTS late_table (id INTEGER);")).migrate(database);

            assertEquals(before + 1, count(database, "SELECT COUNT(*) FROM schema_version"));
            assertEquals(1, count(database, "SELECT COUNT(*) FROM schema_version WHERE version = 2"));
            assertEquals(0, count(database, "SELECT COUNT(*) FROM late_table"));
        }
    }

    @Test
    void versionsThatDoNotRiseAreRefused() throws Exception {
        try (Database database = Database.open("jdbc:h2:" + dir.resolve("db"))) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> new Migrator(
                    resources("V1__initial.sql\nV3__call_events.sql\nV2__late.sql\n", "")).migrate(database));
            assertTrue(error.getMessage().contains("found V2__late.sql after version 3"), error.getMessage());
        }
    }

    /** The real migrations plus a {@code V2__late.sql} and the given list, ahead of the real list. */
    private ClassLoader resources(String list, String lateSql) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("resources/db/migration"));
        Files.writeString(migrations.resolve("migrations.list"), list);
        Files.writeString(migrations.resolve("V2__late.sql"), lateSql);
        return new URLClassLoader(new URL[] {dir.resolve("resources").toUri().toURL()},
                MigratorTest.class.getClassLoader()) {
            @Override
            public URL getResource(String name) {
                URL own = findResource(name);
                return own != null ? own : super.getResource(name);
            }
        };
    }

    private static long count(Database database, String sql) throws SQLException {
        return database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }
}
