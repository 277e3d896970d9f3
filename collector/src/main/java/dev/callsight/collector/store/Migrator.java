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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the SQL files listed in {@code db/migration/migrations.list} in order, each in its own transaction,
 * recording each applied version in {@code schema_version}. A jar cannot be listed portably, hence the list file:
 * a new migration is a new {@code V<n>__name.sql} plus one line there.
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
        int current = database.inTransaction(Migrator::currentVersion);
        List<String> files = listedFiles();
        for (int i = 0; i < files.size(); i++) {
            Matcher name = FILE_NAME.matcher(files.get(i));
            if (!name.matches() || Integer.parseInt(name.group(1)) != i + 1) {
                throw new IllegalStateException("migration " + (i + 1) + " must be named V" + (i + 1)
                        + "__<description>.sql, found " + files.get(i));
            }
            int version = i + 1;
            if (version <= current) {
                continue;
            }
            List<String> statements = statements(read(LOCATION + files.get(i)));
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

    private static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
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
