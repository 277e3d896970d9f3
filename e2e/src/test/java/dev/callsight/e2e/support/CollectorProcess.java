package dev.callsight.e2e.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The collector jar running as its own process on free ports, as a user would start it. */
public final class CollectorProcess implements AutoCloseable {

    private static final Pattern STARTED =
            Pattern.compile("callsight collector started: otlp=(\\S+) web=(\\S+) store=(\\S+)");

    private final Process process;
    private final URI otlp;
    private final URI web;
    private final ProcessOutput output;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private CollectorProcess(Process process, URI otlp, URI web, ProcessOutput output) {
        this.process = process;
        this.otlp = otlp;
        this.web = web;
        this.output = output;
    }

    /** @param flags further {@code serve} flags, e.g. {@code --slos FILE} */
    public static CollectorProcess start(Path dataDir, String... flags) throws Exception {
        return start(List.of(), dataDir, 0, flags);
    }

    /** Receives OTLP on the given port, e.g. one an agent has been exporting to in vain. */
    public static CollectorProcess start(Path dataDir, int otlpPort, String... flags) throws Exception {
        return start(List.of(), dataDir, otlpPort, flags);
    }

    /** @param jvmOptions options for the collector's JVM, e.g. {@code -Xmx128m} */
    public static CollectorProcess start(List<String> jvmOptions, Path dataDir, String... flags) throws Exception {
        return start(jvmOptions, dataDir, 0, flags);
    }

    private static CollectorProcess start(List<String> jvmOptions, Path dataDir, int otlpPort, String... flags)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.java().toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Jvm.collectorJar().toString(), "serve", "--otlp-port",
                Integer.toString(otlpPort), "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ProcessOutput output = ProcessOutput.follow(process, "collector");
        Matcher matcher = output.await(STARTED, Duration.ofSeconds(60));
        return new CollectorProcess(process, URI.create(matcher.group(1)), URI.create(matcher.group(2)), output);
    }

    public long pid() {
        return process.pid();
    }

    public URI otlp() {
        return otlp;
    }

    public URI web() {
        return web;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(web.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of a metric's series on /metrics for one service and the given labels. */
    public double total(String metric, String service, Map<String, String> labels) throws Exception {
        double total = 0;
        for (PrometheusText.Sample sample : PrometheusText.parse(get("/metrics").body())) {
            if (sample.name().equals(metric) && service.equals(sample.labels().get("service_name"))
                    && sample.labels().entrySet().containsAll(labels.entrySet())) {
                total += sample.value();
            }
        }
        return total;
    }

    /** The stored spans of a trace, as the JSON API returns them; empty while the trace is unknown. */
    public List<JsonObject> spans(String traceId) throws Exception {
        HttpResponse<String> response = get("/api/traces/" + traceId);
        if (response.statusCode() != 200) {
            return List.of();
        }
        List<JsonObject> spans = new ArrayList<>();
        for (JsonElement span : JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("spans")) {
            spans.add(span.getAsJsonObject());
        }
        return spans;
    }

    /** A span attribute as text, or null when the span does not have it. */
    public static String attribute(JsonObject span, String key) {
        JsonElement value = span.getAsJsonObject("attributes").get(key);
        return value == null ? null : value.getAsString();
    }

    public HttpResponse<String> postOtlp(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(otlp.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One stored span, or null while it is not stored. */
    public JsonObject span(String traceId, String spanId) throws Exception {
        return spans(traceId).stream().filter(span -> spanId.equals(span.get("spanId").getAsString()))
                .findFirst().orElse(null);
    }

    /** The IDs of a service's latest traces, newest first. */
    public List<String> traceIds(String service, int limit) throws Exception {
        HttpResponse<String> response = get("/api/traces?service=" + service + "&limit=" + limit);
        List<String> ids = new ArrayList<>();
        for (JsonElement trace : JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("traces")) {
            ids.add(trace.getAsJsonObject().get("traceId").getAsString());
        }
        return ids;
    }

    /** Stops it the way Ctrl-C or a service manager would, and waits for a clean exit. */
    public int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("collector did not stop within 30 s: " + output);
        }
        return process.exitValue();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    public void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("collector still running 30 s after SIGKILL");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> output() {
        return output.lines();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
