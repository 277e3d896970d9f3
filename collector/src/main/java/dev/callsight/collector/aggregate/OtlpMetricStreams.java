package dev.callsight.collector.aggregate;

import com.google.protobuf.TextFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Walks the metrics of an OTLP request with what identifies their streams, so every extractor names a stream the
 * same way: resource attributes, scope, metric name, point attributes and start time.
 */
final class OtlpMetricStreams {

    /** Sees one metric with its resource's {@code service.name} and the identity of its resource, scope and name. */
    @FunctionalInterface
    interface MetricVisitor {
        void visit(String service, String metricIdentity, Metric metric);
    }

    private OtlpMetricStreams() {
    }

    static void forEachMetric(ExportMetricsServiceRequest request, MetricVisitor visitor) {
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            List<KeyValue> resource = resourceMetrics.getResource().getAttributesList();
            String service = OtlpAttributes.string(resource, "service.name").orElse("");
            String resourceIdentity = identity(resource);
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                InstrumentationScope scope = scopeMetrics.getScope();
                String scopeIdentity = scope.getName() + "\u0000" + scope.getVersion();
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    visitor.visit(service, resourceIdentity + "\u0001" + scopeIdentity + "\u0001" + metric.getName(),
                            metric);
                }
            }
        }
    }

    /** A point's stream: its metric, its attributes and its start time, hashed. */
    static String streamId(String metricIdentity, List<KeyValue> attributes, long startUnixNano) {
        return sha256(metricIdentity + "\u0001" + identity(attributes) + "\u0001" + startUnixNano);
    }

    /** @return true for CUMULATIVE, false for DELTA; anything else is invalid */
    static boolean isCumulative(AggregationTemporality temporality, String what) {
        return switch (temporality) {
            case AGGREGATION_TEMPORALITY_CUMULATIVE -> true;
            case AGGREGATION_TEMPORALITY_DELTA -> false;
            default -> throw new InvalidTelemetryException(what + " has no valid aggregation temporality: "
                    + temporality);
        };
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
