package dev.callsight.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stock OpenTelemetry SDK with its OTLP/HTTP exporters (JDK sender) feeds the collector. */
class OtelSdkTest {

    private static final Resource RESOURCE = Resource.getDefault().merge(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "storefront")));

    @TempDir
    Path dataDir;

    @Test
    void sdkSpansAndHistogramsArrive() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            String traceId = exportSpan(collector);
            JsonObject trace = JsonParser.parseString(
                    Http.get(collector.webEndpoint() + "/api/traces/" + traceId).body()).getAsJsonObject();
            JsonObject span = trace.getAsJsonArray("spans").get(0).getAsJsonObject();
            assertEquals("storefront", span.get("serviceName").getAsString());
            assertEquals("payments.internal", span.getAsJsonObject("http").get("serverAddress").getAsString());

            exportHistogram(collector);
            String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
            String labels = "service_name=\"storefront\",server_address=\"payments.internal\",server_port=\"443\","
                    + "http_route=\"/charges\",http_request_method=\"POST\",http_response_status_code=\"%s\","
                    + "error_type=\"%s\",";
            assertTrue(metrics.contains("http_client_request_duration_seconds_count{" + labels.formatted("201", "")
                    + "} 3.0"), metrics);
            assertTrue(metrics.contains("http_client_request_duration_seconds_count{" + labels.formatted("503", "503")
                    + "} 1.0"), metrics);
            assertTrue(metrics.contains("http_client_request_duration_seconds_bucket{" + labels.formatted("201", "")
                    + "le=\"0.1\",} 2.0"), metrics);
            assertTrue(metrics.contains("http_client_request_duration_seconds_bucket{" + labels.formatted("201", "")
                    + "le=\"+Inf\",} 3.0"), metrics);
            assertTrue(metrics.contains("callsight_ingest_spans_total 1.0"), metrics);
            assertTrue(metrics.contains("callsight_store_size_bytes "), metrics);

            String services = Http.get(collector.webEndpoint() + "/api/services").body();
            JsonObject service = JsonParser.parseString(services).getAsJsonObject().getAsJsonArray("services").get(0)
                    .getAsJsonObject();
            assertEquals("storefront", service.get("name").getAsString());
            assertEquals(4, service.get("calls").getAsLong());
            assertEquals("payments.internal:443",
                    service.getAsJsonArray("peers").get(0).getAsJsonObject().get("peer").getAsString());
        }
    }

    private static String exportSpan(Collector collector) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(collector.otlpEndpoint() + "/v1/traces").setCompression("gzip").build();
        try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().setResource(RESOURCE)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            Span span = tracerProvider.get("test").spanBuilder("POST").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("http.request.method", "POST")
                    .setAttribute("server.address", "payments.internal")
                    .setAttribute("server.port", 443L)
                    .startSpan();
            span.end();
            assertSucceeded(tracerProvider.forceFlush());
            return span.getSpanContext().getTraceId();
        }
    }

    private static void exportHistogram(Collector collector) {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(collector.otlpEndpoint() + "/v1/metrics").build();
        try (SdkMeterProvider meterProvider = SdkMeterProvider.builder().setResource(RESOURCE)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .build()) {
            DoubleHistogram duration = meterProvider.get("test").histogramBuilder("http.client.request.duration")
                    .setUnit("s")
                    .setExplicitBucketBoundariesAdvice(Otlp.CANONICAL_BOUNDS)
                    .build();
            Attributes ok = attributes(201, null);
            duration.record(0.02, ok);
            duration.record(0.09, ok);
            duration.record(0.3, ok);
            duration.record(1.7, attributes(503, "503"));
            assertSucceeded(meterProvider.forceFlush());
            // A second collection of the same cumulative streams must not double-count.
            assertSucceeded(meterProvider.forceFlush());
        }
    }

    private static Attributes attributes(int status, String errorType) {
        var builder = Attributes.builder()
                .put("http.request.method", "POST")
                .put("server.address", "payments.internal")
                .put("server.port", 443L)
                .put("url.template", "/charges")
                .put("http.response.status_code", (long) status);
        if (errorType != null) {
            builder.put("error.type", errorType);
        }
        return builder.build();
    }

    private static void assertSucceeded(CompletableResultCode result) {
        assertTrue(result.join(10, TimeUnit.SECONDS).isSuccess(), "export failed");
    }
}
