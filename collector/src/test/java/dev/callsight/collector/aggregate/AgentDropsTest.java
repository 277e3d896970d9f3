package dev.callsight.collector.aggregate;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agents' own drop counter, as they report it once their exports get through, on /metrics. */
class AgentDropsTest {

    private static final String NAME = "callsight.agent.exporter.dropped";
    private static final long START = Otlp.BASE_NANOS;

    @TempDir
    Path dataDir;

    @Test
    void theLatestTotalOfEachAgentProcessIsSummedPerServiceSignalAndReason() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            send(collector, dropped(START, 5, "spans", "export_failed"));
            send(collector, dropped(START, 12, "spans", "export_failed"));
            // A second process of the service: a stream of its own, started later.
            send(collector, dropped(START + 1, 3, "spans", "export_failed"));
            send(collector, dropped(START, 7, "metric_points", "export_failed"));

            String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
            assertTrue(metrics.contains("callsight_agent_exporter_dropped_total{service_name=\"checkout\",signal=\"spans\","
                    + "reason=\"export_failed\",} 15.0"), metrics);
            assertTrue(metrics.contains("callsight_agent_exporter_dropped_total{service_name=\"checkout\","
                    + "signal=\"metric_points\",reason=\"export_failed\",} 7.0"), metrics);
        }
    }

    @Test
    void aDropCounterWithoutItsSignalIsRefused() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            Metric bad = Otlp.counter(NAME, AGGREGATION_TEMPORALITY_CUMULATIVE, NumberDataPoint.newBuilder()
                    .setStartTimeUnixNano(START).setTimeUnixNano(START + 60_000_000_000L).setAsInt(1)
                    .addAttributes(Otlp.attr("reason", "queue_full")).build());
            HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics",
                    "application/x-protobuf", Otlp.metrics("checkout", bad).toByteArray());
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(response.body().contains("signal"), response.body());
        }
    }

    private static ExportMetricsServiceRequest dropped(long start, long value, String signal, String reason) {
        return Otlp.metrics("checkout", Otlp.counter(NAME, AGGREGATION_TEMPORALITY_CUMULATIVE, NumberDataPoint.newBuilder()
                .setStartTimeUnixNano(start).setTimeUnixNano(start + 60_000_000_000L).setAsInt(value)
                .addAttributes(Otlp.attr("signal", signal)).addAttributes(Otlp.attr("reason", reason)).build()));
    }

    private static void send(Collector collector, ExportMetricsServiceRequest request) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }
}
