package dev.callsight.collector.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's users: {@code rate} requests a second to the frontend, six in ten a product page and four an order,
 * sent without waiting for earlier answers (at most 200 in flight), so a slow backend does not slow the traffic.
 * This JVM has no agent: the frontend's requests start their traces.
 */
final class DemoLoad implements AutoCloseable {

    private static final int MAX_IN_FLIGHT = 200;

    private final String frontend;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "callsight-demo-load");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    DemoLoad(String frontend, int rate) {
        this.frontend = frontend;
        timer.scheduleAtFixedRate(this::send, 0, TimeUnit.SECONDS.toMicros(1) / Math.max(1, rate), TimeUnit.MICROSECONDS);
    }

    private void send() {
        if (!inFlight.tryAcquire()) {
            failed.incrementAndGet();
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HttpRequest request = random.nextInt(10) < 6
                ? HttpRequest.newBuilder(URI.create(frontend + "/products/" + random.nextInt(1, 500)))
                        .timeout(Duration.ofSeconds(10)).GET().build()
                : HttpRequest.newBuilder(URI.create(frontend + "/orders")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"cart\":" + random.nextInt(1, 99) + "}")).build();
        sent.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.release();
            if (error != null || response.statusCode() >= 500) {
                failed.incrementAndGet();
            }
        });
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
