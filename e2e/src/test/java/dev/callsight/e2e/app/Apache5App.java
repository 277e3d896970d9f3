package dev.callsight.e2e.app;

import java.net.URI;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.TimeValue;

/**
 * An application using Apache HttpClient 5 as many do: redirects followed, and the library's
 * retry strategy allowing one retry after 50 ms (it retries 429 and 503, and some I/O errors);
 * with -Dapp.libraryRetries=false, no retries of the library's. Clients: apache5 (classic) and
 * apache5-async. Arguments and output as {@link CallRunner} describes.
 */
public final class Apache5App {

    private static final String BODY = "{\"n\":1}";

    public static void main(String[] args) throws Exception {
        HttpClientBuilder classicBuilder = HttpClients.custom();
        HttpAsyncClientBuilder asyncBuilder = HttpAsyncClients.custom();
        if (CallRunner.libraryRetries()) {
            DefaultHttpRequestRetryStrategy retries = new DefaultHttpRequestRetryStrategy(1, TimeValue.ofMilliseconds(50));
            classicBuilder.setRetryStrategy(retries);
            asyncBuilder.setRetryStrategy(retries);
        } else {
            classicBuilder.disableAutomaticRetries();
            asyncBuilder.disableAutomaticRetries();
        }
        try (CloseableHttpClient classic = classicBuilder.build(); CloseableHttpAsyncClient async = asyncBuilder.build()) {
            async.start();
            CallRunner.run(args, (client, method, url, traceparent) -> "apache5-async".equals(client)
                    ? callAsync(async, method, url, traceparent) : callClassic(classic, method, url, traceparent));
        }
    }

    private static int callClassic(CloseableHttpClient client, String method, String url, String traceparent)
            throws Exception {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(url));
        if (hasBody(method)) {
            request.setEntity(new StringEntity(BODY, ContentType.APPLICATION_JSON));
        }
        if (traceparent != null) {
            request.addHeader("traceparent", traceparent);
        }
        return client.execute(request, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    private static int callAsync(CloseableHttpAsyncClient client, String method, String url, String traceparent)
            throws Exception {
        SimpleHttpRequest request = new SimpleHttpRequest(method, URI.create(url));
        if (hasBody(method)) {
            request.setBody(BODY, ContentType.APPLICATION_JSON);
        }
        if (traceparent != null) {
            request.addHeader("traceparent", traceparent);
        }
        return client.execute(request, null).get().getCode();
    }

    private static boolean hasBody(String method) {
        return "POST".equals(method) || "PUT".equals(method);
    }
}
