package dev.callsight.e2e.app;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An ordinary OkHttp application, knowing nothing of callsight, run by the tests in its own JVM
 * with one OkHttp release on its class path. Each argument is one call:
 * {@code execute|METHOD|url[|traceparent[|callTimeoutMillis]]} or {@code enqueue|...}, with
 * {@code -} for no traceparent. For each it prints
 * {@code result|mode|METHOD|url|status|protocol|millis} or {@code error|mode|METHOD|url|exception|millis},
 * the time from the call to its body read; it exits 0 when every call got an HTTP response. Its
 * network interceptor prints {@code timeouts|url|connectMillis|readMillis} for each attempt, the
 * timeouts OkHttp uses for it.
 */
public final class OkHttpApp {

    private static final MediaType JSON = MediaType.parse("application/json");

    public static void main(String[] args) throws Exception {
        OkHttpClient base = new OkHttpClient.Builder()
                .addNetworkInterceptor(chain -> {
                    System.out.println("timeouts|" + chain.request().url() + "|" + chain.connectTimeoutMillis() + "|"
                            + chain.readTimeoutMillis());
                    return chain.proceed(chain.request().newBuilder().header("x-app", "1").build());
                })
                .build();
        // A client derived from another, as applications do to vary a setting.
        OkHttpClient client = base.newBuilder().connectTimeout(5, TimeUnit.SECONDS).build();
        boolean allAnswered = true;
        for (String spec : args) {
            String[] parts = spec.split("\\|");
            String mode = parts[0];
            Request request = request(parts[1], parts[2], parts.length > 3 && !"-".equals(parts[3]) ? parts[3] : null);
            Call call = client.newCall(request);
            if (parts.length > 4) {
                call.timeout().timeout(Long.parseLong(parts[4]), TimeUnit.MILLISECONDS);
            }
            String described = mode + "|" + parts[1] + "|" + parts[2];
            long start = System.nanoTime();
            try (Response response = send(call, mode)) {
                response.body().string();
                System.out.println("result|" + described + "|" + response.code() + "|" + response.protocol() + "|"
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (IOException e) {
                allAnswered = false;
                System.out.println("error|" + described + "|" + e + "|"
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        System.exit(allAnswered ? 0 : 1);
    }

    private static Request request(String method, String url, String traceparent) {
        boolean hasBody = "POST".equals(method) || "PUT".equals(method);
        Request.Builder builder = new Request.Builder().url(url)
                .method(method, hasBody ? RequestBody.create(JSON, "{\"n\":1}") : null);
        if (traceparent != null) {
            builder.header("traceparent", traceparent);
        }
        return builder.build();
    }

    private static Response send(Call call, String mode) throws Exception {
        if ("execute".equals(mode)) {
            return call.execute();
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call answered, Response response) {
                answer.complete(response);
            }
        });
        try {
            return answer.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof IOException ? (IOException) failed.getCause() : failed;
        }
    }
}
