package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.aggregate.DurationExemplar;
import io.prometheus.client.exemplars.Exemplar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent exemplar per call key and canonical bucket, for linking histogram buckets to traces.
 *
 * <p>Held in memory only: exemplars are hints, not data, so they are not stored and a restart forgets them.
 * Memory stays bounded by the series already exported, one exemplar per bucket each.
 */
final class BucketExemplars {

    private final Map<CallKey, AtomicReferenceArray<Exemplar>> latest = new ConcurrentHashMap<>();

    void offer(DurationExemplar exemplar) {
        AtomicReferenceArray<Exemplar> buckets = latest.computeIfAbsent(exemplar.call(),
                call -> new AtomicReferenceArray<>(CanonicalBuckets.BUCKET_COUNT));
        Exemplar offered = toPrometheus(exemplar);
        // Exports may arrive out of order; an older exemplar never replaces a newer one.
        buckets.accumulateAndGet(CanonicalBuckets.indexFor(exemplar.valueSeconds()), offered,
                (current, next) -> current == null || timestamp(next) >= timestamp(current) ? next : current);
    }

    /** @return the bucket's exemplar, or null when it has none */
    Exemplar get(CallKey call, int bucket) {
        AtomicReferenceArray<Exemplar> buckets = latest.get(call);
        return buckets == null ? null : buckets.get(bucket);
    }

    /** The exemplars of buckets {@code fromBucket} and up of a call key, newest first. */
    List<Exemplar> from(CallKey call, int fromBucket) {
        AtomicReferenceArray<Exemplar> buckets = latest.get(call);
        List<Exemplar> found = new ArrayList<>();
        for (int bucket = fromBucket; buckets != null && bucket < buckets.length(); bucket++) {
            if (buckets.get(bucket) != null) {
                found.add(buckets.get(bucket));
            }
        }
        found.sort(Comparator.comparingLong(BucketExemplars::timestamp).reversed());
        return found;
    }

    private static Exemplar toPrometheus(DurationExemplar exemplar) {
        Long timestampMs = exemplar.timeUnixNano() == 0 ? null : exemplar.timeUnixNano() / 1_000_000;
        return exemplar.spanIdHex().isEmpty()
                ? new Exemplar(exemplar.valueSeconds(), timestampMs, "trace_id", exemplar.traceIdHex())
                : new Exemplar(exemplar.valueSeconds(), timestampMs, "trace_id", exemplar.traceIdHex(),
                        "span_id", exemplar.spanIdHex());
    }

    private static long timestamp(Exemplar exemplar) {
        return exemplar.getTimestampMs() == null ? Long.MIN_VALUE : exemplar.getTimestampMs();
    }
}
