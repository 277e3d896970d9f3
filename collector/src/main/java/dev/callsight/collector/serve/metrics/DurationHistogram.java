package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.DurationExemplar;
import dev.callsight.collector.aggregate.RollupDelta;
import io.prometheus.client.Collector;
import io.prometheus.client.exemplars.Exemplar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * {@code http_client_request_duration_seconds}, {@code http_server_request_duration_seconds} and
 * {@code callsight_client_call_duration_seconds} (logical calls, with the client labels) as Prometheus histograms: running totals per call key since the store began, seeded from the stored rollups at startup and
 * added to after each committed ingest. Server series have no peer labels. Bucket samples carry the latest exemplar
 * seen for them, which only the OpenMetrics format shows.
 */
public final class DurationHistogram extends Collector {

    public static final String NAME = "http_client_request_duration_seconds";
    public static final String SERVER_NAME = "http_server_request_duration_seconds";
    public static final String CALL_NAME = "callsight_client_call_duration_seconds";
    private static final List<String> OUTCOME = List.of("http_response_status_code", "error_type");
    private static final List<String> SERVER_SITE = List.of("service_name", "http_route", "http_request_method");

    private final Map<CallKey, CallTotal> totals = new ConcurrentHashMap<>();
    private final BucketExemplars exemplars = new BucketExemplars();

    public DurationHistogram(List<CallTotal> initialTotals) {
        initialTotals.forEach(total -> totals.put(total.call(), total));
    }

    /**
     * Adds committed deltas; minutes do not matter here, only the running totals. Exemplars of calls without a
     * series are dropped, so they cannot grow memory beyond the series.
     */
    public void add(List<RollupDelta> deltas, List<DurationExemplar> newExemplars) {
        for (RollupDelta delta : deltas) {
            totals.merge(delta.key().call(), CallTotal.of(delta), CallTotal::plus);
        }
        newExemplars.stream().filter(exemplar -> totals.containsKey(exemplar.call())).forEach(exemplars::offer);
    }

    /** The calls this histogram has a series for that pass {@code match}. */
    public List<CallKey> calls(Predicate<CallKey> match) {
        return totals.keySet().stream().filter(match).toList();
    }

    /**
     * Trace IDs of the latest exemplars of these calls in buckets {@code fromBucket} and up, stamped within
     * {@code [fromMs, toMs)} (an exemplar without a time is taken as recent), newest first, at most {@code limit}.
     */
    public List<String> exampleTraceIds(List<CallKey> calls, int fromBucket, long fromMs, long toMs, int limit) {
        List<Exemplar> found = new ArrayList<>();
        for (CallKey call : calls) {
            for (Exemplar exemplar : exemplars.from(call, fromBucket)) {
                Long at = exemplar.getTimestampMs();
                if (at == null || (at >= fromMs && at < toMs)) {
                    found.add(exemplar);
                }
            }
        }
        found.sort(Comparator.comparingLong((Exemplar e) ->
                e.getTimestampMs() == null ? Long.MAX_VALUE : e.getTimestampMs()).reversed());
        return found.stream().map(DurationHistogram::traceId).distinct().limit(limit).toList();
    }

    /** Exemplar labels are kept sorted by name, so the trace ID is looked up, not taken by position. */
    private static String traceId(Exemplar exemplar) {
        for (int i = 0; i < exemplar.getNumberOfLabels(); i++) {
            if (exemplar.getLabelName(i).equals("trace_id")) {
                return exemplar.getLabelValue(i);
            }
        }
        throw new IllegalStateException("an exemplar without trace_id");
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> client = new ArrayList<>();
        List<MetricFamilySamples.Sample> server = new ArrayList<>();
        List<MetricFamilySamples.Sample> calls = new ArrayList<>();
        for (CallTotal total : totals.values()) {
            switch (total.call().kind()) {
                case SERVER -> addSamples(server, SERVER_NAME, withOutcome(SERVER_SITE), serverValues(total.call()),
                        total);
                case CALL -> addSamples(calls, CALL_NAME, CallSiteLabels.namesWith(OUTCOME),
                        clientValues(total.call()), total);
                case CLIENT -> addSamples(client, NAME, CallSiteLabels.namesWith(OUTCOME), clientValues(total.call()),
                        total);
            }
        }
        return List.of(
                new MetricFamilySamples(NAME, Type.HISTOGRAM,
                        "Duration of outbound HTTP client calls, from the callsight agent's histograms.", client),
                new MetricFamilySamples(SERVER_NAME, Type.HISTOGRAM,
                        "Duration of HTTP requests the services answered, from the callsight agent's histograms.",
                        server),
                new MetricFamilySamples(CALL_NAME, Type.HISTOGRAM,
                        "Duration of logical outbound calls as the application saw them (every attempt and the waits "
                                + "between), with their final outcome, from the callsight agent's histograms.",
                        calls));
    }

    private void addSamples(List<MetricFamilySamples.Sample> samples, String name, List<String> labels,
            List<String> values, CallTotal total) {
        List<Double> bounds = CanonicalBuckets.bounds();
        List<String> bucketLabels = new ArrayList<>(labels);
        bucketLabels.add("le");
        long cumulative = 0;
        for (int i = 0; i < total.buckets().size(); i++) {
            cumulative += total.buckets().get(i);
            List<String> bucketValues = new ArrayList<>(values);
            bucketValues.add(i < bounds.size() ? doubleToGoString(bounds.get(i)) : "+Inf");
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", bucketLabels, bucketValues, cumulative,
                    exemplars.get(total.call(), i)));
        }
        samples.add(new MetricFamilySamples.Sample(name + "_count", labels, values, total.count()));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", labels, values, total.sumSeconds()));
    }

    private static List<String> withOutcome(List<String> site) {
        List<String> names = new ArrayList<>(site);
        names.addAll(OUTCOME);
        return names;
    }

    /** A call that got no response (status 0 in the store) has an empty status label, as Prometheus spells absent. */
    private static List<String> outcome(CallKey call) {
        return List.of(call.statusCode() == 0 ? "" : Integer.toString(call.statusCode()), call.errorType());
    }

    private static List<String> clientValues(CallKey call) {
        return CallSiteLabels.valuesWith(call.site(), outcome(call));
    }

    private static List<String> serverValues(CallKey call) {
        List<String> values = new ArrayList<>(List.of(call.serviceName(), call.route(), call.method()));
        values.addAll(outcome(call));
        return values;
    }
}
