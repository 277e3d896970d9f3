package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the agent's policy event counters ({@link CallEvent}) out of an OTLP metrics request. They must be
 * monotonic sums of whole numbers carrying their cause (and qualifier) attribute; anything else under those
 * names is invalid, since only the callsight agent uses them.
 */
public final class CallEventPointExtractor {

    public List<CallEventPoint> extract(ExportMetricsServiceRequest request) {
        List<CallEventPoint> points = new ArrayList<>();
        OtlpMetricStreams.forEachMetric(request, (service, metricIdentity, metric) ->
                CallEvent.forMetric(metric.getName()).ifPresent(event -> {
                    Sum sum = monotonicSum(metric);
                    boolean cumulative = OtlpMetricStreams.isCumulative(sum.getAggregationTemporality(),
                            "sum " + metric.getName());
                    for (NumberDataPoint point : sum.getDataPointsList()) {
                        points.add(toPoint(service, metricIdentity, event, cumulative, point));
                    }
                }));
        return points;
    }

    private static Sum monotonicSum(Metric metric) {
        if (!metric.hasSum() || !metric.getSum().getIsMonotonic()) {
            throw new InvalidTelemetryException(metric.getName() + " must be a monotonic sum, got "
                    + (metric.hasSum() ? "a non-monotonic sum" : metric.getDataCase()));
        }
        return metric.getSum();
    }

    private static CallEventPoint toPoint(String service, String metricIdentity, CallEvent event, boolean cumulative,
            NumberDataPoint point) {
        String what = "sum " + event.metricName();
        List<KeyValue> attributes = point.getAttributesList();
        CallEventKey key = new CallEventKey(OtlpAttributes.callSite(service, attributes), event,
                OtlpAttributes.required(attributes, event.causeAttribute(), what),
                event.qualifierAttribute().map(name -> OtlpAttributes.required(attributes, name, what)).orElse(""));
        return new CallEventPoint(
                OtlpMetricStreams.streamId(metricIdentity, attributes, point.getStartTimeUnixNano()),
                key,
                point.getStartTimeUnixNano(),
                OtlpPoints.requireTime(point.getTimeUnixNano(), what),
                cumulative,
                OtlpPoints.wholeNumber(point, what));
    }
}
