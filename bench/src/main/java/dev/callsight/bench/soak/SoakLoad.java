package dev.callsight.bench.soak;

import com.google.protobuf.ByteString;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The telemetry one soak sender produces, shaped like an agent's: CLIENT spans over a few routes and statuses,
 * and the cumulative {@code http.client.request.duration} histograms of the same calls. Also the ingest
 * benchmark's load, so making a batch is kept cheap: the attributes of each route and status are built once.
 */
public final class SoakLoad {

    private static final List<String> ROUTES = List.of("/users/{id}", "/orders/{id}", "/charge/{id}", "/search",
            "/items/{id}/reviews");
    private static final List<String> SPAN_NAMES = ROUTES.stream().map(route -> "GET " + route).toList();
    private static final int[] STATUSES = {200, 404, 503};
    /** Out of ten calls: eight 200s, one 404, one 503. */
    private static final int[] STATUS_DRAW = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2};

    private final Resource resource;
    private final InstrumentationScope scope = InstrumentationScope.newBuilder().setName("callsight-soak").build();
    private final long startNanos = System.currentTimeMillis() * 1_000_000L;
    /** Cumulative counts per route, status and bucket, as an SDK keeps them. */
    private final long[][][] buckets = new long[ROUTES.size()][STATUSES.length][CanonicalBuckets.BUCKET_COUNT];
    private final double[][] sums = new double[ROUTES.size()][STATUSES.length];

    /** The attributes of a span to each route with each status. */
    private final List<List<List<KeyValue>>> spanAttributes = ROUTES.stream()
            .map(route -> IntStream.of(STATUSES).mapToObj(status -> List.of(text("http.request.method", "GET"),
                    text("url.template", route), text("server.address", "upstream.soak"),
                    number("server.port", 8080), number("http.response.status_code", status))).toList())
            .toList();

    public SoakLoad(int sender) {
        resource = Resource.newBuilder().addAttributes(text("service.name", "soak"))
                .addAttributes(text("service.instance.id", "soak-sender-" + sender)).build();
    }

    /** How many data points each {@link #metrics()} request holds. */
    public static int metricPoints() {
        return ROUTES.size() * STATUSES.length;
    }

    /** {@code count} spans, each also counted in the histograms the next {@link #metrics()} sends. */
    public ExportTraceServiceRequest spans(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ScopeSpans.Builder spans = ScopeSpans.newBuilder().setScope(scope);
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < count; i++) {
            int route = random.nextInt(ROUTES.size());
            int status = STATUS_DRAW[random.nextInt(STATUS_DRAW.length)];
            double seconds = random.nextDouble(0.001, 0.4);
            record(route, status, seconds);
            long end = now - random.nextLong(1_000_000);
            spans.addSpans(Span.newBuilder()
                    .setTraceId(randomBytes(16)).setSpanId(randomBytes(8))
                    .setName(SPAN_NAMES.get(route)).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(end - (long) (seconds * 1e9)).setEndTimeUnixNano(end)
                    .addAllAttributes(spanAttributes.get(route).get(status)));
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(spans)).build();
    }

    /** The cumulative duration histograms of every span made so far. */
    public synchronized ExportMetricsServiceRequest metrics() {
        long now = System.currentTimeMillis() * 1_000_000L;
        Histogram.Builder histogram = Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int route = 0; route < ROUTES.size(); route++) {
            for (int status = 0; status < STATUSES.length; status++) {
                long count = 0;
                HistogramDataPoint.Builder point = HistogramDataPoint.newBuilder()
                        .setStartTimeUnixNano(startNanos).setTimeUnixNano(now)
                        .addAllExplicitBounds(CanonicalBuckets.bounds())
                        .addAttributes(text("http.request.method", "GET"))
                        .addAttributes(text("url.template", ROUTES.get(route)))
                        .addAttributes(text("server.address", "upstream.soak"))
                        .addAttributes(number("server.port", 8080))
                        .addAttributes(number("http.response.status_code", STATUSES[status]));
                for (long bucket : buckets[route][status]) {
                    point.addBucketCounts(bucket);
                    count += bucket;
                }
                histogram.addDataPoints(point.setCount(count).setSum(sums[route][status]));
            }
        }
        Metric metric = Metric.newBuilder().setName("http.client.request.duration").setUnit("s").setHistogram(histogram).build();
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource).addScopeMetrics(ScopeMetrics.newBuilder().setScope(scope).addMetrics(metric)))
                .build();
    }

    private synchronized void record(int route, int status, double seconds) {
        buckets[route][status][CanonicalBuckets.indexFor(seconds)]++;
        sums[route][status] += seconds;
    }

    private static ByteString randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1;
        return ByteString.copyFrom(bytes);
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue number(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }
}
