package dev.callsight.collector;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;

/** Builds OTLP requests with the generated protobuf classes. */
public final class Otlp {

    public static final List<Double> CANONICAL_BOUNDS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    public static final long MINUTE_NANOS = 60_000_000_000L;
    /** 2026-01-01T00:00:00Z, a minute boundary. */
    public static final long BASE_NANOS = 1_767_225_600_000_000_000L;

    private Otlp() {
    }

    public static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    public static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    public static Span clientSpan(String traceIdHex, String spanIdHex, int status) {
        return Span.newBuilder()
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanIdHex)))
                .setName("GET /users/{id}")
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(BASE_NANOS)
                .setEndTimeUnixNano(BASE_NANOS + 42_000_000)
                .setStatus(Status.newBuilder().setCode(status >= 500 ? Status.StatusCode.STATUS_CODE_ERROR
                        : Status.StatusCode.STATUS_CODE_UNSET))
                .addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("server.address", "users.internal"))
                .addAttributes(attr("server.port", 8443))
                .addAttributes(attr("url.template", "/users/{id}"))
                .addAttributes(attr("http.response.status_code", status))
                .addAttributes(attr("url.full", "https://users.internal:8443/users/7"))
                .build();
    }

    public static ExportTraceServiceRequest traces(String service, Span... spans) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                        .addScopeSpans(ScopeSpans.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("test"))
                                .addAllSpans(List.of(spans))))
                .build();
    }

    /** GET users.internal:8443 /users/{id}, as metric points carry a call. */
    public static List<KeyValue> callAttributes() {
        return List.of(attr("http.request.method", "GET"), attr("server.address", "users.internal"),
                attr("server.port", 8443), attr("url.template", "/users/{id}"));
    }

    /** The point with one exemplar of 42 ms for the given trace and span, recorded at {@code timeNanos}. */
    public static HistogramDataPoint withExemplar(HistogramDataPoint point, String traceId, String spanId, long timeNanos) {
        return point.toBuilder().addExemplars(Exemplar.newBuilder()
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
                .setAsDouble(0.042)
                .setTimeUnixNano(timeNanos)).build();
    }

    /** One duration point for GET users.internal:8443 /users/{id} with the given status. */
    public static HistogramDataPoint point(long startNanos, long timeNanos, int status, long... bucketCounts) {
        long count = 0;
        HistogramDataPoint.Builder point = HistogramDataPoint.newBuilder()
                .setStartTimeUnixNano(startNanos)
                .setTimeUnixNano(timeNanos)
                .addAllExplicitBounds(CANONICAL_BOUNDS)
                .addAllAttributes(callAttributes())
                .addAttributes(attr("http.response.status_code", status));
        long[] buckets = new long[CANONICAL_BOUNDS.size() + 1];
        System.arraycopy(bucketCounts, 0, buckets, 0, bucketCounts.length);
        double sum = 0;
        for (int i = 0; i < buckets.length; i++) {
            point.addBucketCounts(buckets[i]);
            count += buckets[i];
            sum += buckets[i] * (i < CANONICAL_BOUNDS.size() ? CANONICAL_BOUNDS.get(i) : 20.0);
        }
        return point.setCount(count).setSum(sum).build();
    }

    public static ExportMetricsServiceRequest metrics(String service, AggregationTemporality temporality,
            HistogramDataPoint... points) {
        return metrics(service, Metric.newBuilder()
                .setName("http.client.request.duration")
                .setUnit("s")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(temporality)
                        .addAllDataPoints(List.of(points)))
                .build());
    }

    public static ExportMetricsServiceRequest metrics(String service, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("test"))
                                .addAllMetrics(List.of(metrics))))
                .build();
    }

    /** A counter point for GET users.internal:8443 /users/{id} with the given extra attributes. */
    public static NumberDataPoint count(long startNanos, long timeNanos, long value, KeyValue... attributes) {
        return NumberDataPoint.newBuilder()
                .setStartTimeUnixNano(startNanos)
                .setTimeUnixNano(timeNanos)
                .setAsInt(value)
                .addAllAttributes(callAttributes())
                .addAllAttributes(List.of(attributes))
                .build();
    }

    /** A monotonic sum, as the agent's counters export. */
    public static Metric counter(String name, AggregationTemporality temporality, NumberDataPoint... points) {
        return Metric.newBuilder()
                .setName(name)
                .setSum(Sum.newBuilder()
                        .setIsMonotonic(true)
                        .setAggregationTemporality(temporality)
                        .addAllDataPoints(List.of(points)))
                .build();
    }

    /** A circuit breaker state point as the agent's gauge exports it. */
    public static Metric breakerState(String policy, String upstream, long timeNanos, long state) {
        return Metric.newBuilder()
                .setName("callsight.http.client.circuit_breaker.state")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                        .setTimeUnixNano(timeNanos)
                        .setAsInt(state)
                        .addAttributes(attr("callsight.policy", policy))
                        .addAttributes(attr("upstream", upstream))))
                .build();
    }
}
