package dev.callsight.collector.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's "checkout" service: an ordinary program with no callsight code in it, run in its
 * own JVM with the agent attached. It calls the upstream through both JDK clients (blocking,
 * async and HTTP/2) with a few routes whose IDs vary, as a real service would.
 */
public final class SampleService {

    private final String upstream;
    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private SampleService(String upstream) {
        this.upstream = upstream;
    }

    /** Arguments: the upstream's base URL and the calls per second to make. */
    public static void main(String[] args) throws InterruptedException {
        SampleService service = new SampleService(args[0]);
        service.run(Integer.parseInt(args[1]));
    }

    private void run(int callsPerSecond) throws InterruptedException {
        long pauseNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, callsPerSecond);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Thread.currentThread().isInterrupted()) {
            callOnce();
            if (System.nanoTime() > nextReport) {
                System.out.println("checkout: " + calls.get() + " calls made, " + failures.get() + " failed");
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            TimeUnit.NANOSECONDS.sleep(pauseNanos);
        }
    }

    private void callOnce() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int choice = random.nextInt(5);
        calls.incrementAndGet();
        try {
            int status;
            switch (choice) {
                case 0:
                    status = http1.send(get("/inventory/items/" + random.nextInt(1, 5000)), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    break;
                case 1:
                    status = http1.sendAsync(post("/payments/charge/" + random.nextInt(1, 100000)), HttpResponse.BodyHandlers.ofString())
                            .get(10, TimeUnit.SECONDS).statusCode();
                    break;
                case 2:
                    status = http2.send(get("/users/" + UUID.randomUUID() + "/profile"), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    break;
                case 3:
                    status = urlConnection("GET", "/catalog/products/" + random.nextInt(1, 300) + "/price");
                    break;
                default:
                    status = urlConnection("POST", "/orders");
            }
            if (status >= 500) {
                failures.incrementAndGet();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(upstream + path)).timeout(Duration.ofSeconds(5)).GET().build();
    }

    private HttpRequest post(String path) {
        return HttpRequest.newBuilder(URI.create(upstream + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":42}")).build();
    }

    private int urlConnection(String method, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(upstream + path).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        connection.setRequestMethod(method);
        if ("POST".equals(method)) {
            connection.setDoOutput(true);
            try (OutputStream body = connection.getOutputStream()) {
                body.write("{\"items\":3}".getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (body != null) {
                body.readAllBytes();
            }
        }
        return status;
    }
}
