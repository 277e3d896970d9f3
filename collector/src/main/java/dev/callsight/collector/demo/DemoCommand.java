package dev.callsight.collector.demo;

import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.CollectorOptions;
import dev.callsight.collector.DurationConverter;
import dev.callsight.collector.slo.AlertTier;
import dev.callsight.collector.slo.BurnWindow;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.slo.SloStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the collector with the demo's SLOs, and a small shop on loopback: {@code frontend}, {@code checkout}
 * and {@code payments}, each in a JVM of its own with the agent attached, calling the in-process upstreams
 * {@code inventory} and {@code accounts}; simulated users; and a scripted incident (payments fails for a while), all
 * until Ctrl-C or {@code --duration}. The agent jar travels inside the collector jar, so the demo needs nothing but
 * this jar and a JDK.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the collector with SLOs, three services with the agent attached, users and a scripted incident.")
public final class DemoCommand implements Callable<Integer> {

    static final String POLICIES_RESOURCE = "/demo/policies.yaml";
    static final String SLOS_RESOURCE = "/demo/slos.yaml";
    static final String AGENT_RESOURCE = "/demo/callsight-agent.jar";
    /** The demo evaluates SLOs this often unless {@code --slo-interval} says otherwise, so alerts move while one watches. */
    private static final Duration DEMO_SLO_INTERVAL = Duration.ofSeconds(5);
    private static final Duration DEFAULT_SLO_INTERVAL = Duration.ofMinutes(1);

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s, 5m (default: run until Ctrl-C).")
    private Duration runFor;

    @Mixin
    private CollectorOptions options;

    @Mixin
    private DemoScript demoScript;

    @Override
    public Integer call() throws Exception {
        Path slos = options.slosFile() == null ? extract(SLOS_RESOURCE, ".yaml") : null;
        CollectorConfig.Builder builder = options.toConfigBuilder();
        if (slos != null) {
            builder.slosFile(slos);
        }
        if (options.sloInterval().equals(DEFAULT_SLO_INTERVAL)) {
            builder.sloInterval(DEMO_SLO_INTERVAL);
        }
        Optional<Collector> started = CollectorOptions.start(builder.build());
        if (started.isEmpty()) {
            deleteQuietly(slos);
            return 1;
        }
        Collector collector = started.get();
        CollectorConfig config = collector.config();
        System.out.println("callsight web UI: " + collector.webEndpoint() + "/ui/");
        System.out.println();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread onCtrlC = DemoScript.stopHook(stop, stopped);
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Path agentJar = null;
        Path policies = null;
        ScheduledExecutorService script = DemoScript.scriptThread();
        try (collector) {
            agentJar = extract(AGENT_RESOURCE, ".jar");
            policies = extract(POLICIES_RESOURCE, ".yaml");
            System.out.println("starting payments, checkout and frontend, each in a JVM with the agent ...");
            try (DemoTopology topology = DemoTopology.start(config.bindAddress(), agentJar, policies,
                    collector.otlpEndpoint(), config.security().exporterEnvironment());
                    DemoLoad users = demoScript.users(topology)) {
                printWhereToLook(collector, topology, slos != null);
                demoScript.scheduleIncident(script, topology);
                Map<String, Boolean> paging = new HashMap<>();
                script.scheduleWithFixedDelay(() -> reportPages(collector.sloSnapshot(), paging), 1, 1, TimeUnit.SECONDS);
                demoScript.reportUsers(script, users);
                topology.anyExit().thenRun(stop::countDown);
                if (runFor.isZero()) {
                    stop.await();
                } else {
                    stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
                }
                script.shutdownNow();
            }
        } finally {
            script.shutdownNow();
            deleteQuietly(agentJar);
            deleteQuietly(policies);
            deleteQuietly(slos);
            System.out.println("demo stopped; the data stays in " + config.dataDir());
            stopped.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already running its hooks, this one included.
        }
        return 0;
    }

    /** Prints each SLO's page as it fires and resolves, so a person watching the console knows when to look. */
    private static void reportPages(SloMonitor.Snapshot snapshot, Map<String, Boolean> paging) {
        for (SloStatus status : snapshot.statuses()) {
            String name = status.slo().name();
            boolean firing = Arrays.stream(AlertTier.values()).filter(tier -> tier.severity().equals("page"))
                    .anyMatch(tier -> snapshot.alert(name, tier).firing());
            Boolean was = paging.put(name, firing);
            if (firing != Boolean.TRUE.equals(was) && (was != null || firing)) {
                System.out.println(DemoScript.now() + "  " + (firing ? "PAGE firing" : "page resolved") + ": SLO " + name
                        + String.format(Locale.ROOT, " (5m burn rate %.1f×)", status.burnRate(BurnWindow.M5)));
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("could not delete " + file + ": " + e.getMessage());
        }
    }

    /** A file the services' JVMs or the collector read, copied out of this jar. */
    static Path extract(String resource, String suffix) throws IOException {
        Path file = Files.createTempFile("callsight-demo", suffix);
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this collector jar was built without " + resource);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private void printWhereToLook(Collector collector, DemoTopology topology, boolean demoSlos) {
        String web = collector.webEndpoint();
        String bind = collector.config().bindAddress();
        System.out.println();
        System.out.println("callsight demo running" + (runFor.isZero() ? " (Ctrl-C stops it)" : " for " + runFor.toSeconds() + " s"));
        demoScript.describe(topology, bind);
        System.out.println("  collector  OTLP " + collector.otlpEndpoint() + ", store " + collector.storeDisplayUrl()
                + (demoSlos ? ", the demo's SLOs" : ""));
        System.out.println("Where to look (metrics arrive every 5 s):");
        System.out.println("  " + web + "/ui/             the web UI: services, service map, SLOs, alerts, calls, traces");
        System.out.println("  " + web + "/metrics          Prometheus series: http_client_request_duration_seconds by route and status");
        System.out.println("  " + web + "/api/slos         SLOs, error budgets, burn rates and alerts as JSON");
        System.out.println();
    }
}
