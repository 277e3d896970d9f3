package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.ArrayList;
import java.util.List;

/** Picks the agent's {@code callsight.http.client.circuit_breaker.state} gauge points out of an OTLP request. */
public final class BreakerStateExtractor {

    private static final String NAME = "callsight.http.client.circuit_breaker.state";

    public List<BreakerState> extract(ExportMetricsServiceRequest request) {
        List<BreakerState> states = new ArrayList<>();
        OtlpMetricStreams.forEachMetric(request, (service, metricIdentity, metric) -> {
            if (!metric.getName().equals(NAME)) {
                return;
            }
            if (!metric.hasGauge()) {
                throw new InvalidTelemetryException(NAME + " must be a gauge, got " + metric.getDataCase());
            }
            for (NumberDataPoint point : metric.getGauge().getDataPointsList()) {
                states.add(toState(service, point));
            }
        });
        return states;
    }

    private static BreakerState toState(String service, NumberDataPoint point) {
        String what = "gauge " + NAME;
        long state = OtlpPoints.wholeNumber(point, what);
        if (state > BreakerState.HALF_OPEN) {
            throw new InvalidTelemetryException(what + " point value " + state
                    + " is not 0 (closed), 1 (open) or 2 (half-open)");
        }
        List<KeyValue> attributes = point.getAttributesList();
        return new BreakerState(service, OtlpAttributes.required(attributes, "callsight.policy", what),
                OtlpAttributes.required(attributes, "upstream", what), (int) state,
                OtlpPoints.requireTime(point.getTimeUnixNano(), what));
    }
}
