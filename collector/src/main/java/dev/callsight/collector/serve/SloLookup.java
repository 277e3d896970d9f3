package dev.callsight.collector.serve;

import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloMonitor;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.Optional;

/** The SLO a route's {@code {name}} names, among the monitor's definitions; a 404 when there is none. */
final class SloLookup {

    private SloLookup() {
    }

    static Optional<SloDefinition> named(HttpServerExchange exchange, SloMonitor monitor, JsonResponses json) {
        Deque<String> parameter = exchange.getQueryParameters().get("name");
        String name = parameter == null ? "" : parameter.getFirst();
        Optional<SloDefinition> slo = monitor.definitions().stream().filter(d -> d.name().equals(name)).findFirst();
        if (slo.isEmpty()) {
            json.error(exchange, 404, "no SLO named '" + name + "'");
        }
        return slo;
    }
}
