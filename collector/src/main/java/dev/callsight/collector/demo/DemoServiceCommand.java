package dev.callsight.collector.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo-service}: the demo's services, users and scripted incident, as {@code demo} runs them, exporting to a
 * collector that runs elsewhere. The docker stack runs it beside the collector's own container.
 */
@Command(name = "demo-service", mixinStandardHelpOptions = true,
        description = "Run the demo's three services (with the agent), its users and its incident against a separate "
                + "collector.")
public final class DemoServiceCommand implements Callable<Integer> {

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            defaultValue = "${env:OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}",
            description = "The collector's OTLP/HTTP endpoint (default: $OTEL_EXPORTER_OTLP_ENDPOINT or ${DEFAULT-VALUE}).")
    private String otlpEndpoint;

    @Mixin
    private DemoScript demoScript;

    @Override
    public Integer call() throws Exception {
        Path agentJar = DemoCommand.extract(DemoCommand.AGENT_RESOURCE, ".jar");
        Path policies = DemoCommand.extract(DemoCommand.POLICIES_RESOURCE, ".yaml");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(DemoScript.stopHook(stop, stopped));
        ScheduledExecutorService script = DemoScript.scriptThread();
        // The services call each other and their upstreams on loopback, inside one container too.
        try (DemoTopology topology = DemoTopology.start("127.0.0.1", agentJar, policies, otlpEndpoint, Map.of());
                DemoLoad users = demoScript.users(topology)) {
            System.out.println("demo-service: exporting to " + otlpEndpoint);
            demoScript.describe(topology, "127.0.0.1");
            demoScript.scheduleIncident(script, topology);
            demoScript.reportUsers(script, users);
            topology.anyExit().thenRun(stop::countDown);
            stop.await();
        } finally {
            script.shutdownNow();
            Files.deleteIfExists(agentJar);
            Files.deleteIfExists(policies);
            stopped.countDown();
        }
        return 0;
    }
}
