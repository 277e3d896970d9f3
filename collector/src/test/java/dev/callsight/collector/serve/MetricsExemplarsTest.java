package dev.callsight.collector.serve;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trace-ID exemplars on duration buckets: shown in OpenMetrics on request, absent from the 0.0.4 text format. */
class MetricsExemplarsTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";
    private static final String OLDER_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
    private static final long START = Otlp.BASE_NANOS - 3600_000_000_000L;
    private static final long TIME = Otlp.BASE_NANOS + 5_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void bucketCarriesTheLatestExemplarOnlyInOpenMetrics() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            // One call of 42 ms: the le="0.05" bucket.
            send(collector, withExemplar(Otlp.point(START, TIME, 200, 0, 0, 0, 1), TRACE_ID, TIME - 1_000_000));
            // A late export of an older call in the same bucket does not displace the newer exemplar.
            send(collector, withExemplar(Otlp.point(START - 1, TIME, 200, 0, 0, 0, 1), OLDER_TRACE_ID,
                    TIME - 2_000_000));

            HttpResponse<String> openMetrics = metrics(collector, OPENMETRICS);
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("application/openmetrics-text"));
            List<String> exemplified = histogramLines(openMetrics.body()).stream().filter(l -> l.contains(" # ")).toList();
            assertEquals(1, exemplified.size(), openMetrics.body());
            // simpleclient sorts exemplar labels by name.
            assertTrue(exemplified.get(0).endsWith("le=\"0.05\"} 2.0 # {span_id=\"" + SPAN_ID + "\",trace_id=\""
                    + TRACE_ID + "\"} 0.042 1767225604.999"), exemplified.get(0));

            HttpResponse<String> text = metrics(collector, null);
            assertTrue(text.headers().firstValue("Content-Type").orElseThrow().contains("version=0.0.4"));
            assertFalse(text.body().contains(TRACE_ID), text.body());
            assertFalse(text.body().contains("# {"), text.body());
            List<String> withoutExemplars = histogramLines(openMetrics.body()).stream()
                    .map(line -> line.replaceFirst(" # \\{.*", "")).toList();
            // The 0.0.4 writer ends label sets with a comma; otherwise the samples are the same.
            assertEquals(withoutExemplars, histogramLines(text.body()).stream()
                    .map(line -> line.replace(",}", "}")).toList());
        }
    }

    private static HistogramDataPoint withExemplar(HistogramDataPoint point, String traceId, long timeNanos) {
        return Otlp.withExemplar(point, traceId, SPAN_ID, timeNanos);
    }

    private static List<String> histogramLines(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("http_client_request_duration_seconds_")).toList();
    }

    private static HttpResponse<String> metrics(Collector collector, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.webEndpoint() + "/metrics")).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return Http.send(request.build());
    }

    private static void send(Collector collector, HistogramDataPoint point) {
        ExportMetricsServiceRequest request = Otlp.metrics("checkout", AGGREGATION_TEMPORALITY_CUMULATIVE, point);
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }
}
