package dev.callsight.e2e.orders;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * One GET to an upstream through the client library a request names, made as a service makes it: every library with
 * its own timeouts at {@link #TIMEOUT}, so a shorter limit from the agent's policy shows as a much earlier end, and
 * with the libraries' own retries off, so every resend is the agent's. Libraries: {@code apache4} (HttpClient 4.5 by
 * HttpClientBuilder), {@code apache5} (HttpClient 5 classic by HttpClientBuilder), {@code okhttp}, {@code jdk}
 * (java.net.http.HttpClient) and {@code urlconnection} (HttpURLConnection). Knows nothing of callsight.
 */
public final class Upstream implements Closeable {

    /** The application's own connect, read and call timeouts in every library. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The upstream's status and body. */
    public record Answer(int status, String body) {}

    private final CloseableHttpClient apache4;
    private final org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache5;
    private final OkHttpClient okhttp;
    private final HttpClient jdk;

    public Upstream() {
        int millis = (int) TIMEOUT.toMillis();
        apache4 = HttpClientBuilder.create()
                .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom().setConnectTimeout(millis)
                        .setSocketTimeout(millis).setConnectionRequestTimeout(millis).build())
                .disableAutomaticRetries()
                .build();
        apache5 = apache5Client();
        okhttp = new OkHttpClient.Builder()
                .connectTimeout(millis, TimeUnit.MILLISECONDS)
                .readTimeout(millis, TimeUnit.MILLISECONDS)
                .writeTimeout(millis, TimeUnit.MILLISECONDS)
                .callTimeout(millis, TimeUnit.MILLISECONDS)
                .build();
        jdk = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** An Apache HttpClient 5 classic client with the application's timeouts and without retries of its own. */
    public static org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache5Client() {
        Timeout timeout = Timeout.ofMilliseconds(TIMEOUT.toMillis());
        return org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(timeout).setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).build())
                .disableAutomaticRetries()
                .build();
    }

    /** GETs the URL through the named library. */
    public Answer get(String via, String url) throws IOException, InterruptedException {
        switch (String.valueOf(via)) {
            case "apache4":
                try (CloseableHttpResponse response = apache4.execute(new org.apache.http.client.methods.HttpGet(url))) {
                    String body = response.getEntity() == null ? ""
                            : org.apache.http.util.EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return new Answer(response.getStatusLine().getStatusCode(), body);
                }
            case "apache5":
                return apache5.execute(new HttpGet(url), response -> new Answer(response.getCode(),
                        response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity())));
            case "okhttp":
                try (Response response = okhttp.newCall(new Request.Builder().url(url).get().build()).execute()) {
                    return new Answer(response.code(), response.body().string());
                }
            case "jdk":
                HttpResponse<String> response = jdk.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.body());
            case "urlconnection":
                return urlConnection(url);
            default:
                throw new IllegalArgumentException("unknown library " + via
                        + "; one of apache4, apache5, okhttp, jdk, urlconnection");
        }
    }

    private static Answer urlConnection(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout((int) TIMEOUT.toMillis());
        connection.setReadTimeout((int) TIMEOUT.toMillis());
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Answer(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** What a 502 says about a failed call: the exception's class, and its cause's when it wraps one. */
    public static String failure(Throwable failed) {
        Throwable cause = failed.getCause();
        return failed.getClass().getName() + (cause == null || cause == failed ? "" : " caused by " + cause.getClass()
                .getName());
    }

    @Override
    public void close() throws IOException {
        apache4.close();
        apache5.close();
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
    }
}
