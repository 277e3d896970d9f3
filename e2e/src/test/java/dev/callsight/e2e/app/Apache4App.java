package dev.callsight.e2e.app;

import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.DefaultServiceUnavailableRetryStrategy;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * An application using Apache HttpClient 4.5 as many do: redirects followed, the library's
 * default retry handler, and one retry of a 503 after 50 ms (ServiceUnavailableRetryStrategy);
 * with -Dapp.libraryRetries=false, no retries of the library's. Client: apache4. Arguments and
 * output as {@link CallRunner} describes.
 */
public final class Apache4App {

    public static void main(String[] args) throws Exception {
        HttpClientBuilder builder = HttpClients.custom();
        if (CallRunner.libraryRetries()) {
            builder.setServiceUnavailableRetryStrategy(new DefaultServiceUnavailableRetryStrategy(1, 50));
        } else {
            builder.disableAutomaticRetries();
        }
        try (CloseableHttpClient client = builder.build()) {
            CallRunner.run(args, (name, method, url, traceparent) -> {
                RequestBuilder request = RequestBuilder.create(method).setUri(url);
                if ("POST".equals(method) || "PUT".equals(method)) {
                    request.setEntity(new StringEntity("{\"n\":1}", StandardCharsets.UTF_8));
                }
                if (traceparent != null) {
                    request.addHeader("traceparent", traceparent);
                }
                try (CloseableHttpResponse response = client.execute(request.build())) {
                    EntityUtils.consume(response.getEntity());
                    return response.getStatusLine().getStatusCode();
                }
            });
        }
    }
}
