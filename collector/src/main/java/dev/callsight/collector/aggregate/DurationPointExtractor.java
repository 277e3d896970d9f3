package dev.callsight.collector.aggregate;

import com.google.protobuf.TextFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Picks the HTTP client duration histograms out of an OTLP metrics request: {@code http.client.request.duration}
 * (current semantic conventions, seconds) and {@code http.client.duration} (older ones, milliseconds, with the
 * older attribute names). Every other metric, and exponential histograms, are ignored.
 */
public final class DurationPointExtractor {

    private static final String CURRENT_NAME = "http.client.request.duration";
    private static final String LEGACY_NAME = "http.client.duration";

    public List<DurationPoint> extract(ExportMetricsServiceRequest request) {
        List<DurationPoint> points = new ArrayList<>();
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            List<KeyValue> resource = resourceMetrics.getResource().getAttributesList();
            String service = OtlpAttributes.string(resource, "service.name").orElse("");
            String resourceIdentity = identity(resource);
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                InstrumentationScope scope = scopeMetrics.getScope();
                String scopeIdentity = scope.getName() + "\u0000" + scope.getVersion();
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    Optional<Double> scale = secondsPerUnit(metric);
                    if (scale.isEmpty() || !metric.hasHistogram()) {
                        continue;
                    }
                    AggregationTemporality temporality = metric.getHistogram().getAggregationTemporality();
                    if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                            && temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
                        throw new InvalidTelemetryException("histogram " + metric.getName()
                                + " has no valid aggregation temporality: " + temporality);
                    }
                    String metricIdentity = resourceIdentity + "\u0001" + scopeIdentity + "\u0001" + metric.getName();
                    for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
                        points.add(toPoint(service, metricIdentity, point,
                                temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                                scale.get(), metric.getName()));
                    }
                }
            }
        }
        return points;
    }

    private static Optional<Double> secondsPerUnit(Metric metric) {
        String unit = metric.getUnit();
        if (metric.getName().equals(CURRENT_NAME) || metric.getName().equals(LEGACY_NAME)) {
            if (unit.equals("s") || (unit.isEmpty() && metric.getName().equals(CURRENT_NAME))) {
                return Optional.of(1.0);
            }
            if (unit.equals("ms") || (unit.isEmpty() && metric.getName().equals(LEGACY_NAME))) {
                return Optional.of(0.001);
            }
        }
        return Optional.empty();
    }

    private static DurationPoint toPoint(String service, String metricIdentity, HistogramDataPoint point,
            boolean cumulative, double scale, String metricName) {
        int bounds = point.getExplicitBoundsCount();
        int buckets = point.getBucketCountsCount();
        if (buckets != 0 && buckets != bounds + 1) {
            throw new InvalidTelemetryException("histogram " + metricName + " point has " + buckets
                    + " bucket counts for " + bounds + " explicit bounds (expected " + (bounds + 1) + ")");
        }
        if (point.getTimeUnixNano() == 0) {
            throw new InvalidTelemetryException("histogram " + metricName + " point has no time_unix_nano");
        }
        List<KeyValue> attributes = point.getAttributesList();
        CallKey call = new CallKey(
                service,
                OtlpAttributes.string(attributes, "server.address").or(() -> OtlpAttributes.string(attributes, "net.peer.name"))
                        .orElse(""),
                (int) OtlpAttributes.integer(attributes, "server.port")
                        .or(() -> OtlpAttributes.integer(attributes, "net.peer.port")).orElse(0L).longValue(),
                OtlpAttributes.string(attributes, "url.template").or(() -> OtlpAttributes.string(attributes, "http.route"))
                        .orElse(""),
                OtlpAttributes.string(attributes, "http.request.method")
                        .or(() -> OtlpAttributes.string(attributes, "http.method")).orElse(""),
                (int) OtlpAttributes.integer(attributes, "http.response.status_code")
                        .or(() -> OtlpAttributes.integer(attributes, "http.status_code")).orElse(0L).longValue(),
                OtlpAttributes.string(attributes, "error.type").orElse(""));
        List<Double> boundsSeconds = point.getExplicitBoundsList().stream().map(b -> b * scale).toList();
        return new DurationPoint(
                sha256(metricIdentity + "\u0001" + identity(attributes) + "\u0001" + point.getStartTimeUnixNano()),
                call,
                point.getStartTimeUnixNano(),
                point.getTimeUnixNano(),
                cumulative,
                point.getCount(),
                point.hasSum() ? point.getSum() * scale : 0.0,
                boundsSeconds,
                point.getBucketCountsList());
    }

    /** Order-independent text for a set of attributes. */
    private static String identity(List<KeyValue> attributes) {
        StringBuilder text = new StringBuilder();
        attributes.stream().sorted(Comparator.comparing(KeyValue::getKey)).forEach(kv -> text.append(kv.getKey())
                .append('=').append(TextFormat.shortDebugString(kv.getValue())).append('\u0000'));
        return text.toString();
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
