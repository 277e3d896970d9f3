package dev.callsight.collector.serve;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} in the Prometheus text format (0.0.4), or in OpenMetrics 1.0 with exemplars when the
 * {@code Accept} header asks for it. Needs a blocking exchange: collectors query H2.
 */
final class MetricsEndpoint implements HttpHandler {

    private final CollectorRegistry registry;

    MetricsEndpoint(CollectorRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        String contentType = TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst(Headers.ACCEPT));
        StringWriter text = new StringWriter();
        // simpleclient adds a *_created gauge per counter; Prometheus ignores them in 0.0.4, so skip the noise.
        TextFormat.writeFormat(contentType, text,
                registry.filteredMetricFamilySamples(name -> !name.endsWith("_created")));
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(text.toString(), StandardCharsets.UTF_8);
    }
}
