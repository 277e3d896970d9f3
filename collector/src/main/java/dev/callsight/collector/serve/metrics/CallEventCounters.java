package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.CallEvent;
import dev.callsight.collector.aggregate.CallEventDelta;
import dev.callsight.collector.aggregate.CallEventKey;
import dev.callsight.collector.store.CallEventTotal;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code callsight_http_client_retries_total}, {@code _timeouts_total} and {@code _rejections_total}: running
 * totals per event key since the store began, seeded from the stored rollups at startup and added to after each
 * committed ingest, as {@link DurationHistogram} does for durations.
 */
public final class CallEventCounters extends Collector {

    private final Map<CallEventKey, Long> totals = new ConcurrentHashMap<>();

    public CallEventCounters(List<CallEventTotal> initialTotals) {
        initialTotals.forEach(total -> totals.put(total.key(), total.count()));
    }

    /** Adds committed deltas; minutes do not matter here, only the running totals. */
    public void add(List<CallEventDelta> deltas) {
        deltas.forEach(delta -> totals.merge(delta.key(), delta.count(), Long::sum));
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> families = new ArrayList<>();
        for (CallEvent event : CallEvent.values()) {
            List<String> extra = new ArrayList<>(List.of(event.causeAttribute()));
            event.qualifierAttribute().ifPresent(extra::add);
            CounterMetricFamily family = new CounterMetricFamily("callsight_http_client_" + event.label() + "_total",
                    help(event), CallSiteLabels.namesWith(extra));
            totals.forEach((key, count) -> {
                if (key.event() == event) {
                    List<String> values = new ArrayList<>(List.of(key.cause()));
                    event.qualifierAttribute().ifPresent(qualifier -> values.add(key.qualifier()));
                    family.addMetric(CallSiteLabels.valuesWith(key.site(), values), count);
                }
            });
            families.add(family);
        }
        return families;
    }

    private static String help(CallEvent event) {
        return switch (event) {
            case RETRIES -> "Attempts that repeated an earlier attempt of the same call, by reason and by who made "
                    + "them (agent, client, application).";
            case TIMEOUTS -> "Attempts that ran into a connect, read or deadline limit; mode observe counts the ones "
                    + "a policy would have ended.";
            case REJECTIONS -> "Calls refused without being sent: circuit open or concurrency limit reached.";
        };
    }
}
