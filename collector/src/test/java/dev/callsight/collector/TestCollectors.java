package dev.callsight.collector;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Starts real collectors on free ports over a data directory, and reads their store. */
public final class TestCollectors {

    private TestCollectors() {
    }

    public static Collector start(Path dataDir) {
        return start(dataDir, CollectorConfig.DEFAULT_MAX_BODY_BYTES);
    }

    public static Collector start(Path dataDir, long maxBodyBytes) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir)
                .maxBodyBytes(maxBodyBytes).build());
    }

    /** A collector on the store at {@code jdbcUrl}, or on H2 in {@code dataDir} when it is null. */
    public static Collector start(Path dataDir, String jdbcUrl) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir).jdbcUrl(jdbcUrl)
                .build());
    }

    public static long count(Collector collector, String sql) {
        try (Connection connection = collector.jdbcUrl().startsWith("jdbc:h2:")
                ? DriverManager.getConnection(collector.jdbcUrl(), "sa", "")
                : DriverManager.getConnection(collector.jdbcUrl());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
