package dev.callsight.bench.soak;

import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sender of the soak: span batches at a steady rate (or back to back, at rate 0) and, every second, the cumulative duration histograms of
 * what it sent. A request the collector refuses (429, 503) is sent again after its {@code Retry-After}; any other
 * failure after a growing pause; a batch that fails ten times is counted as failed.
 */
final class SoakSender implements Runnable {

    /** What all senders did, read by the progress lines. */
    static final class Counters {
        final AtomicLong spansSent = new AtomicLong();
        final AtomicLong spansAcknowledged = new AtomicLong();
        final AtomicLong spansFailed = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        final AtomicLong metricRequests = new AtomicLong();
        final AtomicLong metricRequestsFailed = new AtomicLong();
        final AtomicLong metricPointsAcknowledged = new AtomicLong();
    }

    private static final int ATTEMPTS = 10;
    private static final long METRICS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SoakLoad load;
    private final URI otlp;
    private final HttpClient http;
    private final long nanosPerBatch;
    private final int batch;
    private final long endNanos;
    private final Counters counters;

    SoakSender(int id, URI otlp, HttpClient http, double spansPerSecond, int batch, long endNanos, Counters counters) {
        this.load = new SoakLoad(id);
        this.otlp = otlp;
        this.http = http;
        this.nanosPerBatch = spansPerSecond == 0 ? 0 : (long) (batch * 1e9 / spansPerSecond);
        this.batch = batch;
        this.endNanos = endNanos;
        this.counters = counters;
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        long nextMetrics = next + METRICS_EVERY_NANOS;
        try {
            while (System.nanoTime() < endNanos) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                    // Behind by more than a second: the collector sets the pace, no burst to catch up.
                    next = System.nanoTime();
                }
                next += nanosPerBatch;
                counters.spansSent.addAndGet(batch);
                if (send("/v1/traces", load.spans(batch))) {
                    counters.spansAcknowledged.addAndGet(batch);
                } else {
                    counters.spansFailed.addAndGet(batch);
                }
                if (System.nanoTime() >= nextMetrics) {
                    nextMetrics += METRICS_EVERY_NANOS;
                    sendMetrics();
                }
            }
            sendMetrics();
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendMetrics() throws InterruptedException {
        counters.metricRequests.incrementAndGet();
        if (send("/v1/metrics", load.metrics())) {
            counters.metricPointsAcknowledged.addAndGet(SoakLoad.metricPoints());
        } else {
            counters.metricRequestsFailed.incrementAndGet();
        }
    }

    /** @return whether the collector acknowledged the request, perhaps after refusals */
    private boolean send(String path, MessageLite message) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(otlp.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.toByteArray())).build();
        long pauseMillis = 500;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return true;
                }
                if (response.statusCode() == 429 || response.statusCode() == 503) {
                    counters.refusals.incrementAndGet();
                    pauseMillis = retryAfterMillis(response).orElse(pauseMillis);
                }
            } catch (IOException failed) {
                // Paused and tried again below, like any failure.
            }
            Thread.sleep(Math.min(pauseMillis, 10_000));
            pauseMillis *= 2;
        }
        return false;
    }

    private static OptionalLong retryAfterMillis(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).filter(v -> v.matches("\\d{1,4}"))
                .map(v -> OptionalLong.of(Long.parseLong(v) * 1000)).orElse(OptionalLong.empty());
    }
}
