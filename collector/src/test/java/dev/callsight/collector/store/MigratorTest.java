package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigratorTest {

    @TempDir
    Path dir;

    @Test
    void aVersionListedBelowAnAppliedOneStillRuns() throws Exception {
        try (Database database = Database.open("jdbc:h2:" + dir.resolve("db"))) {
            String real = realList();
            int last = lastRealVersion();
            String later = "V" + (last + 2) + "__later.sql\n";
            String late = "V" + (last + 1) + "__late.sql\n";
            new Migrator(resources(real + later, "")).migrate(database);
            long before = count(database, "SELECT COUNT(*) FROM schema_version");
            new Migrator(resources(real + late + later, "CREATE TABLE IF NOT EXISTS late_table (id INTEGER);"))
                    .migrate(database);

            assertEquals(before + 1, count(database, "SELECT COUNT(*) FROM schema_version"));
            assertEquals(1, count(database, "SELECT COUNT(*) FROM schema_version WHERE version = " + (last + 1)));
            assertEquals(0, count(database, "SELECT COUNT(*) FROM late_table"));
        }
    }

    private static int lastRealVersion() throws IOException {
        String lastFile = realList().lines().reduce((first, second) -> second).orElseThrow();
        return Integer.parseInt(lastFile.substring(1, lastFile.indexOf("__")));
    }

    private static String realList() throws IOException {
        try (InputStream list = MigratorTest.class.getClassLoader().getResourceAsStream("db/migration/migrations.list")) {
            return new String(list.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank())
                    .map(line -> line.strip() + "\n").collect(Collectors.joining());
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

    /**
     * The real migrations plus, ahead of the real list, the given list and three extra scripts: {@code V2__late.sql}
     * and the two after the real ones ({@code V<n+1>__late.sql} with {@code lateSql}, {@code V<n+2>__later.sql} empty).
     */
    private ClassLoader resources(String list, String lateSql) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("resources/db/migration"));
        int last = lastRealVersion();
        Files.writeString(migrations.resolve("migrations.list"), list);
        Files.writeString(migrations.resolve("V2__late.sql"), lateSql);
        Files.writeString(migrations.resolve("V" + (last + 1) + "__late.sql"), lateSql);
        Files.writeString(migrations.resolve("V" + (last + 2) + "__later.sql"), "");
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
