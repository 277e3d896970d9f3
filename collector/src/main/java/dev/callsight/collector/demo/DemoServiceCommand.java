package dev.callsight.collector.demo;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo-service}: the demo's flaky upstream and its checkout service with the agent attached, exporting to a
 * collector that runs elsewhere. The docker stack runs it beside the collector's own container; {@code demo} runs
 * both in one process.
 */
@Command(name = "demo-service", mixinStandardHelpOptions = true,
        description = "Run the demo's flaky upstream and sample service (with the agent) against a separate collector.")
public final class DemoServiceCommand implements Callable<Integer> {

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            defaultValue = "${env:OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}",
            description = "The collector's OTLP/HTTP endpoint (default: $OTEL_EXPORTER_OTLP_ENDPOINT or ${DEFAULT-VALUE}).")
    private String otlpEndpoint;

    @Option(names = "--rate", paramLabel = "CALLS", defaultValue = "20",
            description = "Outbound calls per second the sample service makes (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Override
    public Integer call() throws Exception {
        Path agentJar = DemoCommand.extract(DemoCommand.AGENT_RESOURCE, ".jar");
        Path policies = DemoCommand.extract(DemoCommand.POLICIES_RESOURCE, ".yaml");
        // Only the sample service calls the upstream, so it stays on loopback even inside a container.
        try (FlakyUpstream upstream = new FlakyUpstream("127.0.0.1")) {
            Process service = startSampleService(agentJar, policies, otlpEndpoint, Map.of(),
                    "http://127.0.0.1:" + upstream.port(), rate);
            // docker stop sends SIGTERM to this JVM; the service JVM goes with it.
            Thread stopService = new Thread(() -> stop(service), "callsight-demo-service-stop");
            Runtime.getRuntime().addShutdownHook(stopService);
            System.out.println("demo-service: checkout calls http://127.0.0.1:" + upstream.port() + " and exports to "
                    + otlpEndpoint);
            return service.waitFor();
        } finally {
            Files.deleteIfExists(agentJar);
            Files.deleteIfExists(policies);
        }
    }

    /**
     * The sample service JVM with the agent attached, exporting to {@code otlpEndpoint} with the further
     * {@code exporterEnvironment} (the collector's token and certificate); its output is this JVM's.
     */
    static Process startSampleService(Path agentJar, Path policies, String otlpEndpoint,
            Map<String, String> exporterEnvironment, String upstreamUrl, int rate) throws IOException, URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = new File(DemoServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
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

    private static void stop(Process service) {
        service.destroy();
        try {
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            service.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
