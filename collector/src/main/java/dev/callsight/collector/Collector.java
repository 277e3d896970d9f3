package dev.callsight.collector;

import dev.callsight.collector.aggregate.CallSiteLimiter;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.forward.OtlpForwarder;
import dev.callsight.collector.ingest.IngestAdmission;
import dev.callsight.collector.ingest.IngestLimits;
import dev.callsight.collector.ingest.IngestService;
import dev.callsight.collector.ingest.OtlpReceiver;
import dev.callsight.collector.secure.SecureListeners;
import dev.callsight.collector.serve.metrics.AgentExporterDrops;
import dev.callsight.collector.serve.metrics.BreakerStateGauge;
import dev.callsight.collector.serve.metrics.CallEventCounters;
import dev.callsight.collector.serve.metrics.DurationHistogram;
import dev.callsight.collector.serve.metrics.ForwardMetrics;
import dev.callsight.collector.serve.metrics.IngestHealthMetrics;
import dev.callsight.collector.serve.metrics.IngestQueueCollector;
import dev.callsight.collector.serve.metrics.SloMetrics;
import dev.callsight.collector.serve.metrics.SpanStoreCollector;
import dev.callsight.collector.serve.metrics.StoreSizeCollector;
import dev.callsight.collector.serve.WebHandler;
import dev.callsight.collector.store.BreakerStateStore;
import dev.callsight.collector.store.CallEventStore;
import dev.callsight.collector.store.CallEventTotal;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.StoreDataException;
import dev.callsight.collector.store.StoreUnavailableException;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SloStore;
import dev.callsight.collector.store.JdbcSpanStore;
import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.SpanStoreKind;
import dev.callsight.collector.store.spanlog.LogSpanStore;
import dev.callsight.collector.slo.AlertSink;
import dev.callsight.collector.slo.AlertmanagerClient;
import dev.callsight.collector.slo.SloEvaluator;
import dev.callsight.collector.slo.SloFile;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.slo.SloParser;
import dev.callsight.config.ConfigException;
import io.prometheus.client.CollectorRegistry;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running collector: the store, the ingest pipeline, the SLO loop, and the OTLP and web listeners. */
public final class Collector implements AutoCloseable {

    private final CollectorConfig config;
    private final Database database;
    private final SpanStore spanStore;
    private final Undertow otlpServer;
    private final Undertow webServer;
    private final ScheduledExecutorService sloLoop;
    private final Optional<OtlpForwarder> forwarder;
    private final String scheme;
    private final SloMonitor monitor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Collector(CollectorConfig config, Database database, SpanStore spanStore, Undertow otlpServer,
            Undertow webServer, ScheduledExecutorService sloLoop, Optional<OtlpForwarder> forwarder, String scheme,
            SloMonitor monitor) {
        this.config = config;
        this.monitor = monitor;
        this.database = database;
        this.spanStore = spanStore;
        this.otlpServer = otlpServer;
        this.webServer = webServer;
        this.sloLoop = sloLoop;
        this.forwarder = forwarder;
        this.scheme = scheme;
    }

    /**
     * Opens and migrates the store, wires the pipeline and starts both listeners.
     *
     * @throws IllegalStateException when the SLO file is invalid, the store cannot be opened or a port cannot be bound
     */
    public static Collector start(CollectorConfig config) {
        Optional<SloFile> slos = loadSlos(config);
        SecureListeners listeners = SecureListeners.create(config.bindAddress(), config.security(), System.err);
        Database database = openStore(config);
        SpanStore spanStore = null;
        Undertow otlpServer = null;
        Optional<OtlpForwarder> forwarder = Optional.empty();
        try {
            spanStore = openSpanStore(config, database);
            RollupStore rollupStore = new RollupStore();
            CollectorRegistry registry = new CollectorRegistry();
            List<CallTotal> callTotals = database.inTransaction(rollupStore::totals);
            DurationHistogram histogram = new DurationHistogram(callTotals);
            registry.register(histogram);
            registry.register(new StoreSizeCollector(database));
            registry.register(new SpanStoreCollector(spanStore));
            IngestHealthMetrics health = new IngestHealthMetrics(registry);
            CallEventStore callEventStore = new CallEventStore();
            BreakerStateStore breakerStateStore = new BreakerStateStore();
            List<CallEventTotal> eventTotals = database.inTransaction(callEventStore::totals);
            CallEventCounters callEvents = new CallEventCounters(eventTotals);
            BreakerStateGauge breakerStates = new BreakerStateGauge(database.inTransaction(breakerStateStore::all));
            registry.register(callEvents);
            registry.register(breakerStates);
            AgentExporterDrops agentDrops = new AgentExporterDrops();
            registry.register(agentDrops);
            if (config.forwardOtlp() != null) {
                forwarder = Optional.of(new OtlpForwarder(config.forwardOtlp(), config.forwardQueueSpans(),
                        new ForwardMetrics(registry), Clock.systemUTC()));
            }
            Optional<OtlpForwarder> forwarding = forwarder;
            IngestService ingest = new IngestService(database, spanStore, rollupStore, callEventStore,
                    breakerStateStore, committed -> {
                        histogram.add(committed.rollups(), committed.exemplars());
                        callEvents.add(committed.events());
                        breakerStates.update(committed.breakerStates());
                        agentDrops.add(committed.agentDrops());
                    }, request -> forwarding.ifPresent(target -> target.offer(request)),
                    callSiteLimiter(config.ingestLimits(), health, callTotals, eventTotals),
                    config.ingestLimits().maxAttributeLength());
            SloStore sloStore = new SloStore(database.dialect());
            SloMonitor monitor = new SloMonitor(slos, database, rollupStore, sloStore, new SloEvaluator(rollupStore),
                    Clock.systemUTC());
            registry.register(new SloMetrics(monitor));

            IngestAdmission admission = new IngestAdmission(
                    new OtlpReceiver(ingest, health, config.maxBodyBytes()), health, config.ingestLimits(),
                    config.maxBodyBytes());
            registry.register(new IngestQueueCollector(admission));
            otlpServer = listen(config, config.otlpPort(), listeners.otlp(config.otlpPort(), admission));
            Undertow webServer = listen(config, config.httpPort(), listeners.web(config.httpPort(),
                    new WebHandler(registry, database, spanStore, rollupStore, callEventStore, breakerStateStore,
                            monitor, sloStore, histogram, config.jaegerUi())));
            ScheduledExecutorService sloLoop = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "callsight-slo");
                thread.setDaemon(true);
                return thread;
            });
            Collector collector = new Collector(config, database, spanStore, otlpServer, webServer, sloLoop,
                    forwarder, listeners.scheme(), monitor);
            AlertSink sink = config.alertmanager() == null ? AlertSink.NONE : new AlertmanagerClient(
                    config.alertmanager(), collector.webEndpoint() + WebHandler.SLO_PATH, config.sloInterval());
            sloLoop.scheduleWithFixedDelay(() -> monitor.run(sink), 0, config.sloInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
            return collector;
        } catch (RuntimeException e) {
            if (otlpServer != null) {
                otlpServer.stop();
            }
            forwarder.ifPresent(OtlpForwarder::close);
            if (spanStore != null) {
                spanStore.close();
            }
            database.close();
            throw e instanceof StoreUnavailableException || e instanceof StoreDataException
                    ? new IllegalStateException("cannot read the store " + Database.redacted(config.jdbcUrl()) + ": " + e.getMessage(), e)
                    : e;
        }
    }

    /** Knows the call sites already stored, so the bounds hold across restarts. */
    private static CallSiteLimiter callSiteLimiter(IngestLimits limits, CallSiteLimiter.OverflowListener listener,
            List<CallTotal> callTotals, List<CallEventTotal> eventTotals) {
        CallSiteLimiter limiter = new CallSiteLimiter(limits.maxRoutesPerPeer(), limits.maxPeersPerService(),
                IngestLimits.OVERFLOW_ROUTE, IngestLimits.OVERFLOW_PEER, listener);
        limiter.seed(callTotals.stream().map(CallTotal::call).toList());
        limiter.seedSites(eventTotals.stream().map(total -> total.key().site()).toList());
        return limiter;
    }

    private static Optional<SloFile> loadSlos(CollectorConfig config) {
        if (config.slosFile() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SloFile.load(config.slosFile(), new SloParser()));
        } catch (ConfigException e) {
            throw new IllegalStateException("invalid SLO file " + e.getMessage(), e);
        }
    }

    private static Database openStore(CollectorConfig config) {
        try {
            if (config.jdbcUrl().equals(CollectorConfig.defaultJdbcUrl(config.dataDir()))) {
                Files.createDirectories(config.dataDir());
            }
            return Database.open(config.jdbcUrl());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        } catch (SQLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot open the store " + Database.redacted(config.jdbcUrl()) + ": " + e.getMessage(), e);
        }
    }

    /** The span store the config names, on {@code database} for the JDBC one; the benchmarks read it back too. */
    public static SpanStore openSpanStore(CollectorConfig config, Database database) {
        if (config.spanStore() == SpanStoreKind.JDBC) {
            return new JdbcSpanStore(database);
        }
        Path directory = config.dataDir().resolve("spans");
        try {
            return LogSpanStore.open(directory, config.spanLog(), Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the span store " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Undertow listen(CollectorConfig config, int port, Undertow server) {
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + port + ": "
                    + e.getMessage(), e);
        }
        return server;
    }

    /** The SLO loop's latest evaluation, for the demo's console. */
    public SloMonitor.Snapshot sloSnapshot() {
        return monitor.snapshot();
    }

    public CollectorConfig config() {
        return config;
    }

    public int otlpPort() {
        return boundPort(otlpServer);
    }

    public int httpPort() {
        return boundPort(webServer);
    }

    /** Where the spans are kept. */
    public SpanStore spanStore() {
        return spanStore;
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** The store's URL with any password masked. */
    public String storeDisplayUrl() {
        return database.displayUrl();
    }

    /** Base URL of the OTLP/HTTP receiver, e.g. {@code http://127.0.0.1:4318} ({@code https} with TLS). */
    public String otlpEndpoint() {
        return scheme + "://" + hostForUrl() + ":" + otlpPort();
    }

    /** Base URL of the web port, e.g. {@code http://127.0.0.1:9318}. */
    public String webEndpoint() {
        return scheme + "://" + hostForUrl() + ":" + httpPort();
    }

    private String hostForUrl() {
        String host = config.bindAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static int boundPort(Undertow server) {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * Stops both listeners, letting requests in progress finish, gives spans held for forwarding a moment to go out,
     * stops the SLO loop after its evaluation in progress,
     * then closes the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            otlpServer.stop();
            forwarder.ifPresent(OtlpForwarder::close);
            webServer.stop();
            sloLoop.shutdown();
            if (!sloLoop.awaitTermination(30, TimeUnit.SECONDS)) {
                System.err.println("callsight: SLO evaluation still running after 30 s; closing the store anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            spanStore.close();
            database.close();
        }
    }
}
