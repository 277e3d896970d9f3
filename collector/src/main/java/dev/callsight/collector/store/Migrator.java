package dev.callsight.collector.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the SQL files listed in {@code db/migration/migrations.list} in order, each in its own transaction,
 * recording each applied version in {@code schema_version}. A jar cannot be listed portably, hence the list file:
 * a new migration is a new {@code V<n>__name.sql} plus one line there.
 *
 * <p>Versions must rise down the list but may leave gaps, so work on separate branches can reserve distinct
 * versions; every listed version not yet recorded is applied, so a version that lands in the list after a higher
 * one was applied still runs.
 */
final class Migrator {

    private static final String LOCATION = "db/migration/";
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

    private final ClassLoader resources;

    Migrator(ClassLoader resources) {
        this.resources = resources;
    }

    void migrate(Database database) throws SQLException {
        database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            }
            return null;
        });
        Set<Integer> applied = database.inTransaction(Migrator::appliedVersions);
        int previous = 0;
        for (String file : listedFiles()) {
            Matcher name = FILE_NAME.matcher(file);
            if (!name.matches() || Integer.parseInt(name.group(1)) <= previous) {
                throw new IllegalStateException("migrations must be named V<n>__<description>.sql with n rising "
                        + "down the list, found " + file + " after version " + previous);
            }
            int version = Integer.parseInt(name.group(1));
            previous = version;
            if (applied.contains(version)) {
                continue;
            }
            List<String> statements = statements(read(LOCATION + file));
            String description = name.group(2);
            database.inTransaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    for (String sql : statements) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description) VALUES (?, ?)")) {
                    record.setInt(1, version);
                    record.setString(2, description);
                    record.executeUpdate();
                }
                return null;
            });
        }
    }

    private static Set<Integer> appliedVersions(Connection connection) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM schema_version")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private List<String> listedFiles() {
        List<String> files = new ArrayList<>();
        for (String line : read(LOCATION + "migrations.list").split("\n")) {
            if (!line.isBlank()) {
                files.add(line.strip());
            }
        }
        return files;
    }

    /** Splits a script at semicolons that end a line, dropping comment lines. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private String read(String resource) {
        try (InputStream in = resources.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
