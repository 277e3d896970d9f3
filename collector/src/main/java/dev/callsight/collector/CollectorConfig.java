package dev.callsight.collector;

import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.collector.secure.SecurityConfig;
import dev.callsight.collector.store.SpanStoreKind;
import dev.callsight.collector.store.spanlog.SpanLogSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the collector needs to start. Port 0 picks a free port. A null {@code jdbcUrl} means the embedded H2
 * file {@code <dataDir>/callsight} with the durability settings of {@link #defaultJdbcUrl(Path)}. Spans are kept by
 * {@code spanStore}: the span log in {@code <dataDir>/spans}, kept as {@code spanLog} says, or the JDBC store. A null
 * {@code slosFile} means no SLOs; a null {@code alertmanager} means alerts are not pushed anywhere; a null
 * {@code forwardOtlp} means spans are not forwarded; a null {@code jaegerUi} means the web UI links to no Jaeger UI.
 */
public record CollectorConfig(
        String bindAddress,
        int otlpPort,
        int httpPort,
        Path dataDir,
        String jdbcUrl,
        long maxBodyBytes,
        Path slosFile,
        URI alertmanager,
        Duration sloInterval,
        URI forwardOtlp,
        int forwardQueueSpans,
        URI jaegerUi,
        IngestLimits ingestLimits,
        SecurityConfig security,
        SpanStoreKind spanStore,
        SpanLogSettings spanLog) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_OTLP_PORT = 4318;
    public static final int DEFAULT_HTTP_PORT = 9318;
    public static final Path DEFAULT_DATA_DIR = Path.of("callsight-data");
    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_SLO_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_FORWARD_QUEUE_SPANS = 50_000;

    public CollectorConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(ingestLimits, "ingestLimits");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(spanStore, "spanStore");
        Objects.requireNonNull(spanLog, "spanLog");
        checkPort("otlpPort", otlpPort);
        checkPort("httpPort", httpPort);
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        if (sloInterval == null || sloInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("sloInterval must be at least 1s: " + sloInterval);
        }
        if (forwardQueueSpans < 1) {
            throw new IllegalArgumentException("forwardQueueSpans must be positive: " + forwardQueueSpans);
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            jdbcUrl = defaultJdbcUrl(dataDir);
        }
    }

    /**
     * The embedded H2 file in {@code dataDir}. {@code WRITE_DELAY=0} makes H2 2.x write each commit to the file
     * before the commit returns (by default it writes committed changes up to 500 ms later, which a kill -9
     * loses). {@code DB_CLOSE_ON_EXIT=FALSE} leaves closing to the collector's own shutdown, after in-flight
     * requests, instead of H2's shutdown hook racing it.
     */
    public static String defaultJdbcUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("callsight")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535: " + port);
        }
    }

    /** Starts from the defaults: 127.0.0.1, ports 4318 and 9318, ./callsight-data, 8 MiB bodies, no SLOs. */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int otlpPort = DEFAULT_OTLP_PORT;
        private int httpPort = DEFAULT_HTTP_PORT;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String jdbcUrl;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Path slosFile;
        private URI alertmanager;
        private Duration sloInterval = DEFAULT_SLO_INTERVAL;
        private URI forwardOtlp;
        private int forwardQueueSpans = DEFAULT_FORWARD_QUEUE_SPANS;
        private URI jaegerUi;
        private IngestLimits ingestLimits = IngestLimits.DEFAULTS;
        private SecurityConfig security = SecurityConfig.DEFAULT;
        private SpanStoreKind spanStore = SpanStoreKind.LOG;
        private SpanLogSettings spanLog = new SpanLogSettings(SpanLogSettings.DEFAULT_RETENTION, 0);

        private Builder() {
        }

        public Builder bindAddress(String value) {
            bindAddress = value;
            return this;
        }

        public Builder otlpPort(int value) {
            otlpPort = value;
            return this;
        }

        public Builder httpPort(int value) {
            httpPort = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        /** Null keeps the H2 file in the data directory. */
        public Builder jdbcUrl(String value) {
            jdbcUrl = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        /** Null: no SLOs. */
        public Builder slosFile(Path value) {
            slosFile = value;
            return this;
        }

        /** Null: alerts are not pushed. */
        public Builder alertmanager(URI value) {
            alertmanager = value;
            return this;
        }

        public Builder sloInterval(Duration value) {
            sloInterval = value;
            return this;
        }

        /** Null: spans are not forwarded. */
        public Builder forwardOtlp(URI value) {
            forwardOtlp = value;
            return this;
        }

        public Builder forwardQueueSpans(int value) {
            forwardQueueSpans = value;
            return this;
        }

        /** Null: the web UI shows no Jaeger links. */
        public Builder jaegerUi(URI value) {
            jaegerUi = value;
            return this;
        }

        public Builder ingestLimits(IngestLimits value) {
            ingestLimits = value;
            return this;
        }

        public Builder security(SecurityConfig value) {
            security = value;
            return this;
        }

        public Builder spanStore(SpanStoreKind value) {
            spanStore = value;
            return this;
        }

        public Builder spanLog(SpanLogSettings value) {
            spanLog = value;
            return this;
        }

        public CollectorConfig build() {
            return new CollectorConfig(bindAddress, otlpPort, httpPort, dataDir, jdbcUrl, maxBodyBytes, slosFile,
                    alertmanager, sloInterval, forwardOtlp, forwardQueueSpans, jaegerUi, ingestLimits,
                    security, spanStore, spanLog);
        }
    }
}
