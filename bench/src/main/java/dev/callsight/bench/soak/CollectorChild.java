package dev.callsight.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A collector started from a collector jar as its own process ({@code serve} on free ports), as a user runs it; the
 * soak's and the benchmarks'.
 */
public final class CollectorChild implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("callsight collector started: otlp=(\\S+) web=(\\S+)");

    private final Process process;
    private final URI otlp;
    private final URI web;

    private CollectorChild(Process process, URI otlp, URI web) {
        this.process = process;
        this.otlp = otlp;
        this.web = web;
    }

    /**
     * Starts it with the given heap limit and any further {@code serve} options, its output going to {@code log},
     * and waits for its ports.
     */
    public static CollectorChild start(Path jar, Path dataDir, String maxHeap, Path log, String... serveOptions)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-jar", jar.toString(), "serve",
                "--otlp-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(serveOptions));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Stopping the soak (Ctrl-C, a test's timeout) stops its collector too.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "soak-collector-stop"));
        CompletableFuture<Matcher> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(process, log, started), "soak-collector-output");
        reader.setDaemon(true);
        reader.start();
        try {
            Matcher matcher = started.get(120, TimeUnit.SECONDS);
            return new CollectorChild(process, URI.create(matcher.group(1)), URI.create(matcher.group(2)));
        } catch (TimeoutException | RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the collector did not start; see " + log, e);
        }
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<Matcher> started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher matcher = STARTED.matcher(line);
                if (matcher.find()) {
                    started.complete(matcher);
                }
            }
        } catch (IOException ended) {
            // The collector is gone; its log so far is kept.
        }
        started.completeExceptionally(new IllegalStateException("the collector exited"));
    }

    public URI otlp() {
        return otlp;
    }

    public URI web() {
        return web;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops it as Ctrl-C would and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
