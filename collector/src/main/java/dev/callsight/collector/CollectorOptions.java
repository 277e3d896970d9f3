package dev.callsight.collector;

import dev.callsight.collector.store.SpanStoreKind;
import dev.callsight.collector.store.spanlog.SlowThresholds;
import dev.callsight.collector.store.spanlog.SpanLogSettings;
import dev.callsight.collector.store.spanlog.TailRetention;
import dev.callsight.config.Durations;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags that say where the collector listens and stores, shared by {@code serve} and {@code demo}. */
public final class CollectorOptions {

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = CollectorConfig.DEFAULT_BIND_ADDRESS,
            description = "Address both ports listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    private String bind;

    @Option(names = "--otlp-port", paramLabel = "PORT", defaultValue = "" + CollectorConfig.DEFAULT_OTLP_PORT,
            description = "OTLP/HTTP receiver port, for /v1/traces and /v1/metrics (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int otlpPort;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + CollectorConfig.DEFAULT_HTTP_PORT,
            description = "Web port for /metrics and /api (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int httpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "callsight-data",
            description = "Directory of the span log and the embedded H2 database (default: ${DEFAULT-VALUE}); "
                    + "H2 is not used with --jdbc-url.")
    private Path dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "JDBC URL of the store instead of the H2 file in --data-dir.")
    private String jdbcUrl;

    @Option(names = "--span-store", paramLabel = "ENGINE", defaultValue = "log",
            description = "Where spans are kept: log (an fsynced span log with Lucene search indexes in --data-dir, "
                    + "the default) or jdbc (a table in the JDBC store, the slower earlier design).")
    private String spanStore;

    @Option(names = "--span-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the span log keeps spans, dropped an hour at a time (default: 7d).")
    private Duration spanRetention;

    @Option(names = "--span-max-size", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Most disk the span log takes; its oldest hours are dropped beyond it (default: no bound "
                    + "but the disk; e.g. 50GiB).")
    private Long spanMaxBytes;

    @Option(names = "--span-retention-ordinary", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long ordinary traces are kept whole; older hours then keep only notable traces (a "
                    + "timeout, retry, error or slow span) and --span-keep-ordinary-fraction of the others, until "
                    + "--span-retention (default: every trace kept alike).")
    private Duration spanOrdinaryRetention;

    @Option(names = "--span-keep-ordinary-fraction", paramLabel = "FRACTION",
            description = "Fraction of ordinary traces kept past --span-retention-ordinary, 0 to 1, chosen by trace "
                    + "ID as head sampling by ratio chooses (default: 0).")
    private Double spanOrdinaryFraction;

    @Option(names = "--span-slow", paramLabel = "[SERVICE=]DURATION",
            description = "A span longer than this makes its trace notable (slow): SERVICE=DURATION for one service, "
                    + "DURATION alone for the others (default: 1s); repeatable.")
    private List<String> spanSlow = List.of();

    @Option(names = "--max-body-size", paramLabel = "SIZE", defaultValue = "8MiB", converter = ByteSizeConverter.class,
            description = "Largest OTLP request body accepted, before and after gzip inflation; larger ones get "
                    + "413 (default: ${DEFAULT-VALUE}; e.g. 512KiB, 16MiB).")
    private long maxBodyBytes;

    @Option(names = "--slos", paramLabel = "FILE",
            description = "SLO definitions (YAML, or OpenSLO v1 SLO documents); re-read when the file changes.")
    private Path slosFile;

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "Alertmanager to push SLO alerts to, e.g. http://127.0.0.1:9093 (its v2 API).")
    private URI alertmanager;

    @Option(names = "--slo-interval", paramLabel = "DURATION", defaultValue = "1m", converter = DurationConverter.class,
            description = "How often SLOs and their alerts are evaluated (default: ${DEFAULT-VALUE}).")
    private Duration sloInterval;

    @Option(names = "--forward-otlp", paramLabel = "URL",
            description = "Also forward every accepted span over OTLP/HTTP to this receiver, e.g. Jaeger at "
                    + "http://127.0.0.1:4318 (/v1/traces is appended unless given), in the background.")
    private URI forwardOtlp;

    @Option(names = "--forward-queue", paramLabel = "SPANS",
            defaultValue = "" + CollectorConfig.DEFAULT_FORWARD_QUEUE_SPANS,
            description = "Most spans held for --forward-otlp; more are dropped and counted (default: ${DEFAULT-VALUE}).")
    private int forwardQueueSpans;

    @Option(names = "--jaeger-ui", paramLabel = "URL",
            description = "Jaeger UI the web UI links each trace to, e.g. http://127.0.0.1:16686.")
    private URI jaegerUi;

    @Mixin
    private IngestLimitOptions ingestLimits;

    @Mixin
    private SecurityOptions security;

    /**
     * Starts the collector these flags describe, or says on stderr why it could not (with a hint
     * when a port is taken) and returns empty.
     */
    public Optional<Collector> start() {
        CollectorConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            System.err.println("callsight collector failed to start: " + e.getMessage());
            return Optional.empty();
        }
        return start(config);
    }

    /** As {@link #start()}, with a config built from these flags and then changed by the caller (the demo). */
    public static Optional<Collector> start(CollectorConfig config) {
        try {
            return Optional.of(Collector.start(config));
        } catch (RuntimeException e) {
            System.err.println("callsight collector failed to start: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().startsWith("cannot listen")
                            ? "\n(other ports: --otlp-port and --http-port; 0 picks a free one)" : ""));
            return Optional.empty();
        }
    }

    public CollectorConfig toConfig() {
        return toConfigBuilder().build();
    }

    /** The SLO file given with {@code --slos}, or null. */
    public Path slosFile() {
        return slosFile;
    }

    /** How often SLOs are evaluated: {@code --slo-interval}. */
    public Duration sloInterval() {
        return sloInterval;
    }

    /** The config these flags describe, to be changed further before {@code build()}. */
    public CollectorConfig.Builder toConfigBuilder() {
        return CollectorConfig.builder().bindAddress(bind).otlpPort(otlpPort).httpPort(httpPort)
                .dataDir(dataDir).jdbcUrl(jdbcUrl).maxBodyBytes(maxBodyBytes).slosFile(slosFile)
                .alertmanager(alertmanager).sloInterval(sloInterval).forwardOtlp(forwardOtlp)
                .forwardQueueSpans(forwardQueueSpans).jaegerUi(jaegerUi).ingestLimits(ingestLimits.toLimits())
                .security(security.toConfig()).spanStore(spanStoreKind())
                .spanLog(spanLogSettings());
    }

    /** The engine; the JDBC table keeps every span with no retention, so the span log's flags are refused with it. */
    private SpanStoreKind spanStoreKind() {
        SpanStoreKind kind = SpanStoreKind.of(spanStore);
        if (kind == SpanStoreKind.JDBC) {
            List<String> given = new ArrayList<>();
            if (spanRetention != null) {
                given.add("--span-retention");
            }
            if (spanMaxBytes != null) {
                given.add("--span-max-size");
            }
            if (spanOrdinaryRetention != null) {
                given.add("--span-retention-ordinary");
            }
            if (spanOrdinaryFraction != null) {
                given.add("--span-keep-ordinary-fraction");
            }
            if (!spanSlow.isEmpty()) {
                given.add("--span-slow");
            }
            if (!given.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", given) + ": the span log's retention, which "
                        + "--span-store jdbc does not have (its table keeps every span); use the default span store");
            }
        }
        return kind;
    }

    /** The span log's settings; a bad value or combination is refused naming the flags it came from. */
    private SpanLogSettings spanLogSettings() {
        TailRetention.Builder tail = TailRetention.builder();
        SlowThresholds.Builder slow = SlowThresholds.builder();
        for (String threshold : spanSlow) {
            int separator = threshold.lastIndexOf('=');
            try {
                Duration duration = Durations.parse(threshold.substring(separator + 1).strip());
                if (separator < 0) {
                    slow.byDefault(duration);
                } else {
                    slow.service(threshold.substring(0, separator).strip(), duration);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--span-slow " + threshold + ": " + e.getMessage(), e);
            }
        }
        try {
            tail.slow(slow.build());
            if (spanOrdinaryRetention != null) {
                tail.ordinary(spanOrdinaryRetention);
            }
            if (spanOrdinaryFraction != null) {
                tail.ordinaryFraction(spanOrdinaryFraction);
            }
            return new SpanLogSettings(retention(), spanMaxBytes == null ? 0 : spanMaxBytes, tail.build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--span-retention " + Durations.format(retention())
                    + ", --span-retention-ordinary, --span-keep-ordinary-fraction: " + e.getMessage(), e);
        }
    }

    private Duration retention() {
        return spanRetention == null ? SpanLogSettings.DEFAULT_RETENTION : spanRetention;
    }
}
