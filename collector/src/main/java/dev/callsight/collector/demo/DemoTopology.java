package dev.callsight.collector.demo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's services: {@code payments}, {@code checkout} and {@code frontend}, each in a JVM of its own with the
 * agent attached, started in that order (each needs the address of the one it calls), plus the in-process
 * upstreams {@code inventory} and {@code accounts}, which have no agent and show as peers. Closing it stops the
 * JVMs (their stdin ends, then a SIGTERM) and the upstreams.
 */
final class DemoTopology implements AutoCloseable {

    /** One service JVM: its process, its base URL, and its output copied to this JVM's with the role before it. */
    record Service(String role, Process process, String url) {
    }

    private final List<Service> services = new ArrayList<>();
    private final List<FlakyUpstream> upstreams = new ArrayList<>();

    /**
     * Starts everything; {@code exporterEnvironment} is the collector's token and certificate, if any.
     * On failure whatever was started is stopped again.
     */
    static DemoTopology start(String bind, Path agentJar, Path policies, String otlpEndpoint,
            Map<String, String> exporterEnvironment) throws IOException, InterruptedException {
        DemoTopology topology = new DemoTopology();
        try {
            FlakyUpstream inventory = topology.upstream(new FlakyUpstream(bind, 0.005, 0.02, 0.002));
            FlakyUpstream accounts = topology.upstream(new FlakyUpstream(bind, 0.003, 0.01, 0.001));
            String payments = topology.service("payments", bind, agentJar, policies, otlpEndpoint, exporterEnvironment);
            String checkout = topology.service("checkout", bind, agentJar, policies, otlpEndpoint, exporterEnvironment,
                    payments, url(bind, inventory), url(bind, accounts));
            topology.service("frontend", bind, agentJar, policies, otlpEndpoint, exporterEnvironment, checkout,
                    url(bind, inventory));
            return topology;
        } catch (IOException | InterruptedException | RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private static String url(String bind, FlakyUpstream upstream) {
        return "http://" + bind + ":" + upstream.port();
    }

    private FlakyUpstream upstream(FlakyUpstream upstream) {
        upstreams.add(upstream);
        return upstream;
    }

    String inventoryUrl(String bind) {
        return url(bind, upstreams.get(0));
    }

    String accountsUrl(String bind) {
        return url(bind, upstreams.get(1));
    }

    List<Service> services() {
        return List.copyOf(services);
    }

    Service service(String role) {
        return services.stream().filter(service -> service.role().equals(role)).findFirst().orElseThrow();
    }

    /** Starts a service JVM and returns its base URL once it serves. */
    private String service(String role, String bind, Path agentJar, Path policies, String otlpEndpoint,
            Map<String, String> exporterEnvironment, String... upstreamUrls) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-javaagent:" + agentJar, "-Dcallsight.config=" + policies,
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classPath(), DemoServices.class.getName(), role, bind));
        command.addAll(List.of(upstreamUrls));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OTEL_SERVICE_NAME", role);
        builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
        builder.environment().put("OTEL_METRIC_EXPORT_INTERVAL", "5000");
        builder.environment().put("OTEL_BSP_SCHEDULE_DELAY", "1000");
        builder.environment().putAll(exporterEnvironment);
        Process process = builder.start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(role, process, listening), "callsight-demo-" + role + "-output");
        copier.setDaemon(true);
        copier.start();
        try {
            String url = listening.get(60, TimeUnit.SECONDS);
            services.add(new Service(role, process, url));
            return url;
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            throw new IOException("the demo's " + role + " service did not start: " + e.getMessage(), e);
        }
    }

    private static void copyOutput(String role, Process process, CompletableFuture<String> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int at = line.indexOf(DemoServices.LISTENING);
                if (at >= 0 && !listening.isDone()) {
                    listening.complete(line.substring(at + DemoServices.LISTENING.length()).strip());
                    continue;
                }
                System.out.println("  [" + role + "] " + line);
            }
        } catch (IOException gone) {
            // The process ended.
        }
        listening.completeExceptionally(new IOException(role + " ended before it served"));
    }

    private static String classPath() {
        try {
            return new File(DemoTopology.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts ({@code true}) or ends the payments incident. */
    void incident(boolean on) {
        OutputStream stdin = service("payments").process().getOutputStream();
        try {
            stdin.write(((on ? DemoServices.INCIDENT_ON : DemoServices.INCIDENT_OFF) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("payments is gone", e);
        }
    }

    /** The first service JVM to exit, as a future: the demo stops when one does. */
    CompletableFuture<Process> anyExit() {
        return CompletableFuture.anyOf(services.stream().map(service -> service.process().onExit())
                .toArray(CompletableFuture[]::new)).thenApply(Process.class::cast);
    }

    @Override
    public void close() {
        // The callers first, so nothing logs a refused call from an upstream that is already gone.
        for (int i = services.size() - 1; i >= 0; i--) {
            Process process = services.get(i).process();
            try {
                process.getOutputStream().close();
            } catch (IOException alreadyClosed) {
                // It ends anyway: destroy() below.
            }
            process.destroy();
        }
        for (Service service : services) {
            stop(service.process());
        }
        upstreams.forEach(FlakyUpstream::close);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
