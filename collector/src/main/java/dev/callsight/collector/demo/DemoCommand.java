package dev.callsight.collector.demo;

import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.CollectorOptions;
import dev.callsight.collector.DurationConverter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the collector, a misbehaving local upstream and a sample service JVM with the
 * agent attached, all on loopback, until Ctrl-C or {@code --duration}. The agent jar travels
 * inside the collector jar, so the demo needs nothing but this jar and a JDK.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the collector, a flaky local upstream and a sample service with the agent attached.")
public final class DemoCommand implements Callable<Integer> {

    static final String POLICIES_RESOURCE = "/demo/policies.yaml";
    static final String AGENT_RESOURCE = "/demo/callsight-agent.jar";

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s, 5m (default: run until Ctrl-C).")
    private Duration runFor;

    @Mixin
    private CollectorOptions options;

    @Option(names = "--rate", paramLabel = "CALLS", defaultValue = "20",
            description = "Outbound calls per second the sample service makes (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Override
    public Integer call() throws Exception {
        Optional<Collector> started = options.start();
        if (started.isEmpty()) {
            return 1;
        }
        Collector collector = started.get();
        CollectorConfig config = collector.config();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // On Ctrl-C the JVM halts as soon as its hooks return, so this one waits for the cleanup below.
        Thread onCtrlC = new Thread(() -> {
            stop.countDown();
            awaitQuietly(stopped);
        }, "callsight-demo-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Path agentJar = null;
        Path policies = null;
        try (collector; FlakyUpstream upstream = new FlakyUpstream(config.bindAddress())) {
            agentJar = extract(AGENT_RESOURCE, ".jar");
            policies = extract(POLICIES_RESOURCE, ".yaml");
            Process service = startSampleService(agentJar, policies, collector.otlpEndpoint(),
                    config.security().exporterEnvironment(), "http://" + config.bindAddress() + ":" + upstream.port(),
                    rate);
            printWhereToLook(collector, upstream, runFor);
            service.onExit().thenRun(stop::countDown);
            if (runFor.isZero()) {
                stop.await();
            } else {
                stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
            }
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        } finally {
            if (agentJar != null) {
                Files.deleteIfExists(agentJar);
            }
            if (policies != null) {
                Files.deleteIfExists(policies);
            }
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The sample service JVM with the agent attached, exporting to {@code otlpEndpoint} with the further
     * {@code exporterEnvironment} (the collector's token and certificate); its output is this JVM's.
     */
    static Process startSampleService(Path agentJar, Path policies, String otlpEndpoint,
            Map<String, String> exporterEnvironment, String upstreamUrl, int rate) throws IOException, URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = new File(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-javaagent:" + agentJar,
                "-Dcallsight.config=" + policies, "-cp", classPath,
                SampleService.class.getName(), upstreamUrl, Integer.toString(rate)))
                .inheritIO();
        builder.environment().put("OTEL_SERVICE_NAME", "checkout");
        builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
        builder.environment().put("OTEL_METRIC_EXPORT_INTERVAL", "5000");
        builder.environment().put("OTEL_BSP_SCHEDULE_DELAY", "1000");
        builder.environment().putAll(exporterEnvironment);
        return builder.start();
    }

    /** A file the sample service's JVM reads, copied out of this jar. */
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

    private static void printWhereToLook(Collector collector, FlakyUpstream upstream, Duration runFor) {
        String web = collector.webEndpoint();
        System.out.println();
        System.out.println("callsight demo running" + (runFor.isZero() ? " (Ctrl-C stops it)" : " for " + runFor.toSeconds() + " s"));
        System.out.println("  collector    OTLP " + collector.otlpEndpoint() + ", store " + collector.storeDisplayUrl());
        System.out.println("  upstream     http://" + collector.config().bindAddress() + ":" + upstream.port()
                + " (a few % 5xx, some slow answers, the odd connection reset)");
        System.out.println("  service      'checkout' in its own JVM with the agent, calling the upstream through both JDK clients");
        System.out.println("Where to look (metrics arrive every 5 s):");
        System.out.println("  " + web + "/metrics          Prometheus series: http_client_request_duration_seconds by route and status");
        System.out.println("  " + web + "/api/services     services, peers and routes with call counts");
        System.out.println("  " + web + "/api/traces?service=checkout   the latest traces; each opens at /api/traces/{traceId}");
        System.out.println();
    }
}
