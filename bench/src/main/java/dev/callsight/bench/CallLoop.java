package dev.callsight.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * One benchmark run: serves a small response on loopback and calls it over keep-alive
 * connections, first to warm up, then measured, with each JDK client in turn. Prints one line
 * per client: {@code client calls mean_us p50_us p99_us calls_per_s}. The same program runs with
 * and without the agent so the two can be compared.
 */
public final class CallLoop {

    private interface Client {
        void call(URI uri) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        // Without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms a call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Client jdkClient = uri -> jdk.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        Client urlConnection = CallLoop::urlConnection;
        measure("jdk-httpclient", jdkClient, base, warmup, measured);
        measure("httpurlconnection", urlConnection, base, warmup, measured);
        server.stop(0);
        System.exit(0);
    }

    private static void measure(String name, Client client, URI base, int warmup, int measured) throws Exception {
        for (int i = 0; i < warmup; i++) {
            client.call(base.resolve("/items/" + i));
        }
        long[] nanos = new long[measured];
        long start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            long t0 = System.nanoTime();
            client.call(base.resolve("/items/" + i));
            nanos[i] = System.nanoTime() - t0;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(nanos);
        System.out.printf("%s %d %.1f %.1f %.1f %.0f%n", name, measured, Arrays.stream(nanos).average().orElse(0) / 1e3,
                nanos[measured / 2] / 1e3, nanos[(int) (measured * 0.99)] / 1e3, measured / (total / 1e9));
    }

    private static void urlConnection(URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
    }
}
