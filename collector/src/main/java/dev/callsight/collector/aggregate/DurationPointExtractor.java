package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Picks the HTTP duration histograms out of an OTLP metrics request: {@code http.client.request.duration}
 * (current semantic conventions, seconds) and {@code http.client.duration} (older ones, milliseconds, with the
 * older attribute names) for outbound calls, {@code http.server.request.duration} (seconds) for requests a service
 * answered, {@code callsight.client.call.duration} (seconds) for the agent's logical calls. Every other metric, and
 * exponential histograms, are ignored.
 */
public final class DurationPointExtractor {

    private static final String CURRENT_NAME = "http.client.request.duration";
    private static final String LEGACY_NAME = "http.client.duration";
    private static final String SERVER_NAME = "http.server.request.duration";
    private static final String CALL_NAME = "callsight.client.call.duration";

    public List<DurationPoint> extract(ExportMetricsServiceRequest request) {
        List<DurationPoint> points = new ArrayList<>();
        OtlpMetricStreams.forEachMetric(request, (service, metricIdentity, metric) -> {
            Optional<Double> scale = secondsPerUnit(metric);
            if (scale.isEmpty() || !metric.hasHistogram()) {
                return;
            }
            boolean cumulative = OtlpMetricStreams.isCumulative(metric.getHistogram().getAggregationTemporality(),
                    "histogram " + metric.getName());
            for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
                points.add(toPoint(service, metricIdentity, point, cumulative, scale.get(), metric.getName()));
            }
        });
        return points;
    }

    private static Optional<Double> secondsPerUnit(Metric metric) {
        String unit = metric.getUnit();
        if ((metric.getName().equals(SERVER_NAME) || metric.getName().equals(CALL_NAME))
                && (unit.equals("s") || unit.isEmpty())) {
            return Optional.of(1.0);
        }
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
        OtlpPoints.requireTime(point.getTimeUnixNano(), "histogram " + metricName);
        List<KeyValue> attributes = point.getAttributesList();
        CallSite site = metricName.equals(SERVER_NAME) ? OtlpAttributes.serverSite(service, attributes)
                : OtlpAttributes.callSite(service, attributes,
                        metricName.equals(CALL_NAME) ? CallKind.CALL : CallKind.CLIENT);
        CallKey call = CallKey.of(site,
                (int) OtlpAttributes.integer(attributes, "http.response.status_code")
                        .or(() -> OtlpAttributes.integer(attributes, "http.status_code")).orElse(0L).longValue(),
                OtlpAttributes.string(attributes, "error.type").orElse(""));
        List<Double> boundsSeconds = point.getExplicitBoundsList().stream().map(b -> b * scale).toList();
        return new DurationPoint(
                OtlpMetricStreams.streamId(metricIdentity, attributes, point.getStartTimeUnixNano()),
                call,
                point.getStartTimeUnixNano(),
                point.getTimeUnixNano(),
                cumulative,
                point.getCount(),
                point.hasSum() ? point.getSum() * scale : 0.0,
                boundsSeconds,
                point.getBucketCountsList(),
                exemplars(point, call, scale));
    }

    /** Exemplars without a valid trace ID cannot link to a trace, so they are dropped. */
    private static List<DurationExemplar> exemplars(HistogramDataPoint point, CallKey call, double scale) {
        List<DurationExemplar> exemplars = new ArrayList<>();
        for (Exemplar exemplar : point.getExemplarsList()) {
            if (exemplar.getTraceId().size() != 16) {
                continue;
            }
            double value = exemplar.getValueCase() == Exemplar.ValueCase.AS_INT
                    ? exemplar.getAsInt() : exemplar.getAsDouble();
            String spanId = exemplar.getSpanId().size() == 8
                    ? HexFormat.of().formatHex(exemplar.getSpanId().toByteArray()) : "";
            exemplars.add(new DurationExemplar(call, value * scale, exemplar.getTimeUnixNano(),
                    HexFormat.of().formatHex(exemplar.getTraceId().toByteArray()), spanId));
        }
        return exemplars;
    }
}
