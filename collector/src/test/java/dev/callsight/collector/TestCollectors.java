package dev.callsight.collector;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Starts real collectors on free ports over a data directory, and reads their store. */
final class TestCollectors {

    private TestCollectors() {
    }

    static Collector start(Path dataDir) {
        return start(dataDir, CollectorConfig.DEFAULT_MAX_BODY_BYTES);
    }

    static Collector start(Path dataDir, long maxBodyBytes) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir)
                .maxBodyBytes(maxBodyBytes).build());
    }

    static long count(Collector collector, String sql) {
        try (Connection connection = DriverManager.getConnection(collector.jdbcUrl(), "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
