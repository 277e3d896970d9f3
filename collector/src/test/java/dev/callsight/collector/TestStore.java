package dev.callsight.collector;

import java.nio.file.Path;
import java.util.function.Function;

/** A store a collector test runs against: the embedded H2 file in a data directory, or a real PostgreSQL database. */
public final class TestStore {

    private final String name;
    private final Function<Path, String> jdbcUrls;

    private TestStore(String name, Function<Path, String> jdbcUrls) {
        this.name = name;
        this.jdbcUrls = jdbcUrls;
    }

    public static TestStore h2() {
        return new TestStore("H2", dataDir -> null);
    }

    public static TestStore postgres(PostgresServer server) {
        return new TestStore("PostgreSQL", dataDir -> server.newDatabaseUrl());
    }

    /** A store that cannot run here: using it skips the test, or fails it under CI. */
    public static TestStore unavailable(String name, String reason) {
        return new TestStore(name, dataDir -> {
            throw TestStores.missing(reason);
        });
    }

    /**
     * A fresh store for one collector's life and any restarts of it: the JDBC URL to use, null for the default H2
     * file in {@code dataDir}.
     */
    public String newJdbcUrl(Path dataDir) {
        return jdbcUrls.apply(dataDir);
    }

    @Override
    public String toString() {
        return name;
    }
}
