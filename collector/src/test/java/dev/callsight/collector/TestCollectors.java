package dev.callsight.collector;

import dev.callsight.collector.store.SpanQuery;
import dev.callsight.collector.store.SpanStoreKind;
import dev.callsight.testing.Eventually;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /** A collector on H2 in {@code dataDir} whose spans are rows of its table, not in the span log. */
    public static Collector startWithJdbcSpans(Path dataDir, long maxBodyBytes) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir)
                .maxBodyBytes(maxBodyBytes).spanStore(SpanStoreKind.JDBC).build());
    }

    /**
     * Waits until searches find each trace (by a span of {@code service}): the span log makes acknowledged spans
     * searchable about a second after it acknowledges them, though a trace lookup finds them at once.
     */
    public static void awaitSearchable(Collector collector, String service, String... traceIds) {
        SpanQuery everything = new SpanQuery(service, null, Long.MIN_VALUE, Long.MAX_VALUE, null, null, Map.of(),
                1000);
        try {
            Eventually.until(() -> collector.spanStore().searchTraceIds(everything).containsAll(List.of(traceIds)),
                    "traces " + List.of(traceIds) + " of " + service + " searchable",
                    () -> "searchable: " + collector.spanStore().searchTraceIds(everything), Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
