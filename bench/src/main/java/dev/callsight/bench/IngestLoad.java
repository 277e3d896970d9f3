package dev.callsight.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP JSON trace exports to a collector from several threads for a fixed time, each a batch of spans of a
 * new trace; prints batches acknowledged per second, the latency of an acknowledged batch, and how many batches
 * were refused (a status other than 200) or failed (no answer: the exchange broke off, as the JDK client's pool can
 * make happen when it reuses a connection the instant it is closed). A failure does not end the run.
 * Usage: IngestLoad OTLP_BASE_URL SECONDS THREADS SPANS_PER_BATCH
 */
public final class IngestLoad {

    private IngestLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI traces = URI.create(args[0] + "/v1/traces");
        long seconds = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        int spans = Integer.parseInt(args[3]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong traceCounter = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "ingest-load");
            thread.setDaemon(true); // an unexpected error in main must still end the process
            return thread;
        });
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                while (System.nanoTime() < deadline) {
                    String body = batch(traceCounter.incrementAndGet(), spans);
                    long start = System.nanoTime();
                    HttpResponse<Void> response;
                    try {
                        response = client.send(HttpRequest.newBuilder(traces)
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        continue;
                    }
                    if (response.statusCode() == 200) {
                        latencies.add(System.nanoTime() - start);
                    } else {
                        refused.incrementAndGet();
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get());
        }
        pool.shutdown();
        Collections.sort(all);
        System.out.printf(Locale.ROOT, "batches/s=%.0f spans/s=%.0f p50_ms=%.2f p99_ms=%.2f refused=%d failed=%d%n",
                all.size() / (double) seconds, all.size() * (double) spans / seconds, percentile(all, 0.50),
                percentile(all, 0.99), refused.get(), failed.get());
    }

    private static double percentile(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))) / 1e6;
    }

    private static String batch(long trace, int spans) {
        String traceId = String.format("%032x", trace);
        long now = System.currentTimeMillis() * 1_000_000L;
        StringBuilder json = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":"
                + "\"service.name\",\"value\":{\"stringValue\":\"bench\"}}]},\"scopeSpans\":[{\"spans\":[");
        for (int i = 0; i < spans; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"traceId\":\"").append(traceId).append("\",\"spanId\":\"")
                    .append(String.format("%016x", i + 1L)).append("\",\"name\":\"GET /items/{id}\",\"kind\":3,")
                    .append("\"startTimeUnixNano\":\"").append(now).append("\",\"endTimeUnixNano\":\"")
                    .append(now + 1_000_000).append("\",\"attributes\":[{\"key\":\"url.template\",\"value\":")
                    .append("{\"stringValue\":\"/items/{id}\"}}]}");
        }
        return json.append("]}]}]}").toString();
    }
}
