package dev.callsight.collector.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo's three services, each an ordinary program with no callsight code in it, run in a JVM of its own with
 * the agent attached and serving on the JDK's {@code com.sun.net.httpserver} (which the agent instruments as a
 * server):
 * <ul>
 * <li>{@code frontend}: {@code GET /products/{id}} reads inventory, {@code POST /orders} asks checkout;</li>
 * <li>{@code checkout}: {@code POST /checkout/{id}} reads the customer's profile (accounts, HTTP/2) and the item
 * (inventory, {@code HttpURLConnection}), then charges payments ({@code sendAsync} with an Idempotency-Key, so the
 * agent may retry it);</li>
 * <li>{@code payments}: {@code POST /payments/charge/{id}}, healthy until a line {@code incident on} arrives on
 * stdin, then mostly 503 and some hangs until {@code incident off}.</li>
 * </ul>
 * Each prints {@code listening on http://ADDRESS:PORT} when it serves, and exits when stdin ends, so it never
 * outlives the demo that started it.
 */
public final class DemoServices {

    static final String LISTENING = "listening on ";
    static final String INCIDENT_ON = "incident on";
    static final String INCIDENT_OFF = "incident off";

    private static volatile boolean incident;

    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private DemoServices() {
    }

    /** Arguments: role, bind address, then the role's upstream base URLs (see {@link DemoTopology}). */
    public static void main(String[] args) throws IOException {
        String role = args[0];
        HttpServer server = HttpServer.create(new InetSocketAddress(args[1], 0), 200);
        ExecutorService workers = Executors.newFixedThreadPool(64);
        server.setExecutor(workers);
        switch (role) {
            case "payments" -> server.createContext("/payments/", DemoServices::charge);
            case "checkout" -> server.createContext("/checkout/", exchange -> checkout(exchange, args[2], args[3], args[4]));
            case "frontend" -> {
                server.createContext("/products/", exchange -> product(exchange, args[3]));
                server.createContext("/orders", exchange -> order(exchange, args[2]));
            }
            default -> throw new IllegalArgumentException("unknown role " + role);
        }
        server.start();
        System.out.println(role + " " + LISTENING + "http://" + args[1] + ":" + server.getAddress().getPort());
        readCommands();
        server.stop(0);
        workers.shutdownNow();
        System.exit(0);
    }

    /** Until stdin ends: {@code incident on} and {@code incident off}. */
    private static void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(INCIDENT_ON) || line.equals(INCIDENT_OFF)) {
                    incident = line.equals(INCIDENT_ON);
                }
            }
        } catch (IOException gone) {
            // The demo is gone: so is this service.
        }
    }

    /** payments: quick and nearly always fine; in an incident mostly 503, and one call in ten hangs 1.5 s. */
    private static void charge(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double roll = random.nextDouble();
        if (incident && roll < 0.85) {
            pause(random.nextLong(5, 30));
            answer(exchange, 503, "{\"error\":\"payment processor unavailable\"}");
            return;
        }
        if (incident && roll < 0.95) {
            pause(1_500);
        } else {
            pause(roll < 0.99 ? random.nextLong(8, 40) : random.nextLong(150, 350));
        }
        answer(exchange, random.nextDouble() < 0.002 ? 503 : 200, "{\"charged\":true}");
    }

    /** checkout: profile, item, charge; 502 when any of them failed. */
    private static void checkout(HttpExchange exchange, String payments, String inventory, String accounts)
            throws IOException {
        exchange.getRequestBody().readAllBytes();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String failed;
        try {
            int profile = HTTP2.send(HttpRequest.newBuilder(URI.create(accounts + "/users/" + UUID.randomUUID()
                    + "/profile")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            int item = urlConnection("GET", inventory + "/inventory/items/" + random.nextInt(1, 5000));
            int charge = HTTP1.sendAsync(HttpRequest.newBuilder(URI.create(payments + "/payments/charge/"
                    + random.nextInt(1, 1_000_000))).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":42}")).build(),
                    HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).statusCode();
            failed = profile >= 500 ? "accounts answered " + profile : item >= 500 ? "inventory answered " + item
                    : charge >= 500 ? "payments answered " + charge : null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            failed = "interrupted";
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failed = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        answer(exchange, failed == null ? 200 : 502, failed == null ? "{\"order\":\"placed\"}"
                : "{\"error\":\"" + failed.replace("\"", "'") + "\"}");
    }

    /** frontend: a product page reads inventory, and shows the page without the stock when inventory fails. */
    private static void product(HttpExchange exchange, String inventory) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int status;
        try {
            status = urlConnection("GET", inventory + "/inventory/items/" + path.substring(path.lastIndexOf('/') + 1));
        } catch (IOException e) {
            status = 502;
        }
        answer(exchange, 200, status >= 500 ? "{\"product\":{},\"stock\":\"unknown\"}" : "{\"product\":{}}");
    }

    /** frontend: an order goes to checkout. */
    private static void order(HttpExchange exchange, String checkout) throws IOException {
        exchange.getRequestBody().readAllBytes();
        int status;
        try {
            status = HTTP1.send(HttpRequest.newBuilder(URI.create(checkout + "/checkout/"
                    + ThreadLocalRandom.current().nextInt(1, 1_000_000))).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"items\":3}")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            status = 503;
        } catch (IOException e) {
            status = 504;
        }
        answer(exchange, status >= 500 ? 502 : 200, status >= 500 ? "{\"error\":\"checkout failed\"}" : "{\"ok\":true}");
    }

    private static int urlConnection(String method, String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        connection.setRequestMethod(method);
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return status;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
