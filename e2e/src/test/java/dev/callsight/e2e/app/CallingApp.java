package dev.callsight.e2e.app;

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
import java.util.concurrent.ExecutionException;

/**
 * An ordinary application, knowing nothing of callsight, that the tests run in its own JVM with
 * the agent attached. Each argument is one call: {@code client|METHOD|url[|traceparent[|timeoutMs]]}
 * with client one of jdk, jdk-async, jdk-h2, jdk-follow (follows redirects), urlconnection, traceparent "-" for none
 * (or {@code name=value} for another header the application sets, such as b3 or uber-trace-id), and
 * timeoutMs the application's own timeout (the request timeout of the JDK client, the read
 * timeout of HttpURLConnection). For each it prints {@code result|client|METHOD|url|status|millis}
 * or {@code error|client|METHOD|url|exception|millis}; it exits 0 when every call got an HTTP
 * response.
 */
public final class CallingApp {

    public static void main(String[] args) throws Exception {
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        boolean allAnswered = true;
        for (String spec : args) {
            String[] parts = spec.split("\\|");
            String client = parts[0];
            String method = parts[1];
            String url = parts[2];
            String traceparent = parts.length > 3 && !parts[3].equals("-") ? parts[3] : null;
            int timeoutMillis = parts.length > 4 ? Integer.parseInt(parts[4]) : 0;
            long start = System.nanoTime();
            try {
                int status = call(client, method, url, traceparent, timeoutMillis, http1, http2, following);
                System.out.println("result|" + client + "|" + method + "|" + url + "|" + status + "|" + millisSince(start));
            } catch (IOException | ExecutionException e) {
                allAnswered = false;
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                System.out.println("error|" + client + "|" + method + "|" + url + "|" + cause + "|" + millisSince(start));
            }
        }
        System.exit(allAnswered ? 0 : 1);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static int call(String client, String method, String url, String traceparent, int timeoutMillis,
            HttpClient http1, HttpClient http2, HttpClient following) throws Exception {
        switch (client) {
            case "jdk":
                return http1.send(request(method, url, traceparent, timeoutMillis), HttpResponse.BodyHandlers.ofString()).statusCode();
            case "jdk-follow":
                return following.send(request(method, url, traceparent, timeoutMillis), HttpResponse.BodyHandlers.ofString()).statusCode();
            case "jdk-async":
                return http1.sendAsync(request(method, url, traceparent, timeoutMillis), HttpResponse.BodyHandlers.ofString()).get().statusCode();
            case "jdk-h2": {
                HttpResponse<String> response = http2.send(request(method, url, traceparent, timeoutMillis), HttpResponse.BodyHandlers.ofString());
                if (response.version() != HttpClient.Version.HTTP_2) {
                    throw new IOException("expected HTTP/2 but got " + response.version());
                }
                return response.statusCode();
            }
            case "urlconnection":
                return urlConnection(method, url, traceparent, timeoutMillis);
            default:
                throw new IllegalArgumentException("unknown client " + client);
        }
    }

    private static HttpRequest request(String method, String url, String traceparent, int timeoutMillis) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        if (timeoutMillis > 0) {
            builder.timeout(Duration.ofMillis(timeoutMillis));
        }
        builder.method(method, "POST".equals(method) || "PUT".equals(method)
                ? HttpRequest.BodyPublishers.ofString("{\"n\":1}") : HttpRequest.BodyPublishers.noBody());
        if (traceparent != null) {
            builder.header(headerName(traceparent), headerValue(traceparent));
        }
        return builder.build();
    }

    private static int urlConnection(String method, String url, String traceparent, int timeoutMillis)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setReadTimeout(timeoutMillis);
        // A POST is left to HttpURLConnection's own rule, a GET with a body, as much old code does.
        if (!"POST".equals(method)) {
            connection.setRequestMethod(method);
        }
        if (traceparent != null) {
            connection.setRequestProperty(headerName(traceparent), headerValue(traceparent));
        }
        if ("POST".equals(method) || "PUT".equals(method)) {
            connection.setDoOutput(true);
            try (OutputStream body = connection.getOutputStream()) {
                body.write("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
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

    /** "name=value" names its header; anything else is a traceparent. */
    private static String headerName(String header) {
        int equals = header.indexOf('=');
        return equals < 0 ? "traceparent" : header.substring(0, equals);
    }

    private static String headerValue(String header) {
        int equals = header.indexOf('=');
        return equals < 0 ? header : header.substring(equals + 1);
    }
}
