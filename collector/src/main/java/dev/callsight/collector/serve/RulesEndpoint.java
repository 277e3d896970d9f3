package dev.callsight.collector.serve;

import dev.callsight.collector.slo.SloMonitor;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/** {@code GET /api/rules}: the Prometheus rules for the SLOs in use, as {@code rules --slos} writes them. */
final class RulesEndpoint implements HttpHandler {

    private final SloMonitor monitor;
    private final PrometheusRules rules;

    RulesEndpoint(SloMonitor monitor, PrometheusRules rules) {
        this.monitor = monitor;
        this.rules = rules;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String linkBase = exchange.getRequestScheme() + "://" + exchange.getHostAndPort() + WebHandler.SLO_PATH;
        String text = rules.render(monitor.definitions(), linkBase);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/yaml");
        exchange.getResponseSender().send(text, StandardCharsets.UTF_8);
    }
}
