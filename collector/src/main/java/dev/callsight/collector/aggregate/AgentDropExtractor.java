package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the agent's own {@code callsight.agent.exporter.dropped} counter out of an OTLP metrics request: what the
 * agent could not deliver while the collector was away, reported once it is back.
 */
public final class AgentDropExtractor {

    public static final String NAME = "callsight.agent.exporter.dropped";

    public List<AgentDropPoint> extract(ExportMetricsServiceRequest request) {
        List<AgentDropPoint> points = new ArrayList<>();
        OtlpMetricStreams.forEachMetric(request, (service, metricIdentity, metric) -> {
            if (!metric.getName().equals(NAME)) {
                return;
            }
            if (!metric.hasSum() || !metric.getSum().getIsMonotonic()) {
                throw new InvalidTelemetryException(NAME + " must be a monotonic sum, got " + metric.getDataCase());
            }
            Sum sum = metric.getSum();
            String what = "sum " + NAME;
            boolean cumulative = OtlpMetricStreams.isCumulative(sum.getAggregationTemporality(), what);
            for (NumberDataPoint point : sum.getDataPointsList()) {
                List<KeyValue> attributes = point.getAttributesList();
                points.add(new AgentDropPoint(service,
                        OtlpMetricStreams.streamId(metricIdentity, attributes, point.getStartTimeUnixNano()),
                        OtlpAttributes.required(attributes, "signal", what),
                        OtlpAttributes.required(attributes, "reason", what), cumulative,
                        OtlpPoints.wholeNumber(point, what)));
            }
        });
        return points;
    }
}
