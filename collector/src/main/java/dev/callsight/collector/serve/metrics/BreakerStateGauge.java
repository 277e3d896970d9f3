package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.BreakerState;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code callsight_http_client_circuit_breaker_state}: the latest stored state per service, policy and upstream,
 * seeded from the store at startup and replaced by the states each committed ingest stored.
 */
public final class BreakerStateGauge extends Collector {

    private static final List<String> LABELS = List.of("service_name", "policy", "upstream");

    private final Map<List<String>, Integer> states = new ConcurrentHashMap<>();

    public BreakerStateGauge(List<BreakerState> initialStates) {
        update(initialStates);
    }

    /** Takes states the store accepted as newer, in commit order. */
    public void update(List<BreakerState> committed) {
        committed.forEach(state -> states.put(labelValues(state), state.state()));
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily family = new GaugeMetricFamily("callsight_http_client_circuit_breaker_state",
                "Circuit breaker state per policy and upstream as the agent last reported it: 0 closed, 1 open, "
                        + "2 half-open.", LABELS);
        states.forEach((labels, state) -> family.addMetric(labels, state));
        return List.of(family);
    }

    private static List<String> labelValues(BreakerState state) {
        return List.of(state.serviceName(), state.policy(), state.upstream());
    }
}
