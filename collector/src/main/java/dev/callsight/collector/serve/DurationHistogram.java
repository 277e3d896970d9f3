package dev.callsight.collector.serve;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.DurationExemplar;
import dev.callsight.collector.aggregate.RollupDelta;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code http_client_request_duration_seconds} as a Prometheus histogram: running totals per call key since the
 * store began, seeded from the stored rollups at startup and added to after each committed ingest. Bucket samples
 * carry the latest exemplar seen for them, which only the OpenMetrics format shows.
 */
public final class DurationHistogram extends Collector {

    static final String NAME = "http_client_request_duration_seconds";
    private static final List<String> LABELS = CallSiteLabels.namesWith(
            List.of("http_response_status_code", "error_type"));
    private static final List<String> BUCKET_LABELS = CallSiteLabels.namesWith(
            List.of("http_response_status_code", "error_type", "le"));

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
            CallTotal added = new CallTotal(delta.key().call(), delta.count(), delta.sumSeconds(), delta.buckets());
            totals.merge(added.call(), added, DurationHistogram::sum);
        }
        newExemplars.stream().filter(exemplar -> totals.containsKey(exemplar.call())).forEach(exemplars::offer);
    }

    private static CallTotal sum(CallTotal a, CallTotal b) {
        List<Long> buckets = new ArrayList<>(a.buckets().size());
        for (int i = 0; i < a.buckets().size(); i++) {
            buckets.add(a.buckets().get(i) + b.buckets().get(i));
        }
        return new CallTotal(a.call(), a.count() + b.count(), a.sumSeconds() + b.sumSeconds(), buckets);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<Double> bounds = CanonicalBuckets.bounds();
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        for (CallTotal total : totals.values()) {
            List<String> values = labelValues(total.call());
            long cumulative = 0;
            for (int i = 0; i < total.buckets().size(); i++) {
                cumulative += total.buckets().get(i);
                List<String> bucketValues = new ArrayList<>(values);
                bucketValues.add(i < bounds.size() ? doubleToGoString(bounds.get(i)) : "+Inf");
                samples.add(new MetricFamilySamples.Sample(NAME + "_bucket", BUCKET_LABELS, bucketValues, cumulative,
                        exemplars.get(total.call(), i)));
            }
            samples.add(new MetricFamilySamples.Sample(NAME + "_count", LABELS, values, total.count()));
            samples.add(new MetricFamilySamples.Sample(NAME + "_sum", LABELS, values, total.sumSeconds()));
        }
        return List.of(new MetricFamilySamples(NAME, Type.HISTOGRAM,
                "Duration of outbound HTTP client calls, from the callsight agent's histograms.", samples));
    }

    /** A call that got no response (status 0 in the store) has an empty status label, as Prometheus spells absent. */
    private static List<String> labelValues(CallKey call) {
        return CallSiteLabels.valuesWith(call.site(),
                List.of(call.statusCode() == 0 ? "" : Integer.toString(call.statusCode()), call.errorType()));
    }
}
