package dev.callsight.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

@ParameterizedClass
@ArgumentsSource(TestStores.class)
class TraceIngestTest {

    @Parameter
    TestStore store;

    @TempDir
    Path dataDir;

    private Collector collector;

    @BeforeEach
    void start() {
        collector = TestCollectors.start(dataDir, store.newJdbcUrl(dataDir));
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void recentTracesAreListedNewestFirstPerService() {
        String older = "4bf92f3577b34da6a3ce929d0e0e4736";
        String newer = "5bf92f3577b34da6a3ce929d0e0e4737";
        var first = Otlp.clientSpan(older, "00f067aa0ba902b7", 200);
        var second = Otlp.clientSpan(newer, "00f067aa0ba902b8", 503).toBuilder()
                .setStartTimeUnixNano(first.getStartTimeUnixNano() + 1_000_000_000L)
                .setEndTimeUnixNano(first.getEndTimeUnixNano() + 1_000_000_000L).build();
        Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                Otlp.traces("checkout", first, second).toByteArray());
        Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                Otlp.traces("billing", Otlp.clientSpan("6bf92f3577b34da6a3ce929d0e0e4738", "00f067aa0ba902b9", 200))
                        .toByteArray());
        TestCollectors.awaitSearchable(collector, "checkout", older, newer);
        TestCollectors.awaitSearchable(collector, "billing", "6bf92f3577b34da6a3ce929d0e0e4738");

        HttpResponse<String> response = Http.get(collector.webEndpoint() + "/api/traces?service=checkout&limit=5");
        assertEquals(200, response.statusCode(), response.body());
        JsonArray traces = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("traces");
        assertEquals(2, traces.size(), response.body());
        assertEquals(newer, traces.get(0).getAsJsonObject().get("traceId").getAsString());
        assertEquals(true, traces.get(0).getAsJsonObject().get("error").getAsBoolean());
        assertEquals(older, traces.get(1).getAsJsonObject().get("traceId").getAsString());
        assertEquals("GET /users/{id}", traces.get(1).getAsJsonObject().get("name").getAsString());
        assertEquals(1, traces.get(1).getAsJsonObject().get("spanCount").getAsInt());

        assertEquals(3, JsonParser.parseString(Http.get(collector.webEndpoint() + "/api/traces").body())
                .getAsJsonObject().getAsJsonArray("traces").size());
        assertEquals(400, Http.get(collector.webEndpoint() + "/api/traces?limit=0").statusCode());
        assertEquals(400, Http.get(collector.webEndpoint() + "/api/traces?limit=lots").statusCode());
    }

    @Test
    void protobufTracesAreStoredAndServedWithAttributes() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                Otlp.traces("checkout", Otlp.clientSpan(traceId, "00f067aa0ba902b7", 503)).toByteArray());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/x-protobuf", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("", response.body());

        JsonObject trace = getTrace(traceId);
        JsonArray spans = trace.getAsJsonArray("spans");
        assertEquals(1, spans.size());
        JsonObject span = spans.get(0).getAsJsonObject();
        assertEquals("00f067aa0ba902b7", span.get("spanId").getAsString());
        assertEquals("checkout", span.get("serviceName").getAsString());
        assertEquals("CLIENT", span.get("kind").getAsString());
        assertEquals("ERROR", span.getAsJsonObject("status").get("code").getAsString());
        assertEquals(42_000_000L, span.get("durationNanos").getAsLong());
        JsonObject http = span.getAsJsonObject("http");
        assertEquals("GET", http.get("method").getAsString());
        assertEquals("users.internal", http.get("serverAddress").getAsString());
        assertEquals(8443, http.get("serverPort").getAsInt());
        assertEquals("/users/{id}", http.get("route").getAsString());
        assertEquals(503, http.get("statusCode").getAsInt());
        assertEquals("https://users.internal:8443/users/7",
                span.getAsJsonObject("attributes").get("url.full").getAsString());
        assertEquals(8443, span.getAsJsonObject("attributes").get("server.port").getAsInt());
        assertEquals("checkout", span.getAsJsonObject("resourceAttributes").get("service.name").getAsString());
    }

    @Test
    void jsonTracesWithHexIdsSnakeCaseAndIntegerEnumsAreStored() {
        String json = """
                {"resource_spans": [{
                  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "billing"}}]},
                  "scopeSpans": [{
                    "scope": {"name": "manual"},
                    "spans": [{
                      "traceId": "5B8EFFF798038103D269B633813FC60C",
                      "span_id": "eee19b7ec3c1b174",
                      "parentSpanId": "eee19b7ec3c1b173",
                      "name": "POST",
                      "kind": 3,
                      "startTimeUnixNano": "1767225600000000000",
                      "end_time_unix_nano": 1767225600250000000,
                      "status": {"code": "STATUS_CODE_OK"},
                      "attributes": [
                        {"key": "http.request.method", "value": {"stringValue": "POST"}},
                        {"key": "http.request.resend_count", "value": {"intValue": "2"}},
                        {"key": "retried", "value": {"boolValue": true}}
                      ],
                      "someFutureField": 1
                    }]
                  }]
                }]}
                """;
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces",
                "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{}", response.body());

        JsonObject span = getTrace("5b8efff798038103d269b633813fc60c").getAsJsonArray("spans").get(0)
                .getAsJsonObject();
        assertEquals("eee19b7ec3c1b174", span.get("spanId").getAsString());
        assertEquals("eee19b7ec3c1b173", span.get("parentSpanId").getAsString());
        assertEquals("billing", span.get("serviceName").getAsString());
        assertEquals("CLIENT", span.get("kind").getAsString());
        assertEquals("OK", span.getAsJsonObject("status").get("code").getAsString());
        assertEquals(250_000_000L, span.get("durationNanos").getAsLong());
        assertEquals(2, span.getAsJsonObject("http").get("resendCount").getAsInt());
        assertTrue(span.getAsJsonObject("attributes").get("retried").getAsBoolean());
    }

    @Test
    void jsonMetricsAreAggregated() {
        String json = """
                {"resourceMetrics": [{
                  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "billing"}}]},
                  "scopeMetrics": [{"metrics": [{
                    "name": "http.client.request.duration", "unit": "s",
                    "histogram": {"aggregationTemporality": 1, "dataPoints": [{
                      "startTimeUnixNano": "1767225600000000000", "timeUnixNano": "1767225610000000000",
                      "count": "3", "sum": 0.3, "explicitBounds": [0.1, 1], "bucketCounts": ["2", "1", "0"],
                      "exemplars": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                                     "asDouble": 0.2, "timeUnixNano": "1767225605000000000"}],
                      "attributes": [{"key": "server.address", "value": {"stringValue": "ledger"}},
                                     {"key": "server.port", "value": {"intValue": "80"}}]
                    }]}
                  }]}]
                }]}
                """;
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/json",
                json.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        String metrics = Http.get(collector.webEndpoint() + "/metrics").body();
        String labels = "service_name=\"billing\",server_address=\"ledger\",server_port=\"80\",http_route=\"\","
                + "http_request_method=\"\",http_response_status_code=\"\",error_type=\"\",";
        assertTrue(metrics.contains("http_client_request_duration_seconds_bucket{" + labels + "le=\"0.1\",} 2.0"),
                metrics);
        assertTrue(metrics.contains("http_client_request_duration_seconds_count{" + labels + "} 3.0"), metrics);
        assertTrue(metrics.contains("callsight_ingest_metric_points_total 1.0"), metrics);
    }

    @Test
    void gzipProtobufIsInflated() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                Otlp.traces("checkout", Otlp.clientSpan(traceId, "b7ad6b7169203331", 200)).toByteArray(), true);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, getTrace(traceId).getAsJsonArray("spans").size());
    }

    @Test
    void traceApiAnswersNotFoundAndBadIdAsJson() {
        HttpResponse<String> missing = Http.get(collector.webEndpoint() + "/api/traces/" + "1".repeat(32));
        assertEquals(404, missing.statusCode());
        assertTrue(JsonParser.parseString(missing.body()).getAsJsonObject().has("error"));
        HttpResponse<String> malformed = Http.get(collector.webEndpoint() + "/api/traces/not-a-trace-id");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("32 hex digits"), malformed.body());
        assertEquals(404, Http.get(collector.webEndpoint() + "/nothing-here").statusCode());
    }

    @Test
    void aResentBatchAloneOrMixedWithNewSpansStoresEachSpanOnce() {
        String traceId = "7bf92f3577b34da6a3ce929d0e0e4739";
        byte[] first = Otlp.traces("checkout", Otlp.clientSpan(traceId, "00f067aa0ba90001", 200),
                Otlp.clientSpan(traceId, "00f067aa0ba90002", 200)).toByteArray();
        byte[] resentWithNew = Otlp.traces("checkout", Otlp.clientSpan(traceId, "00f067aa0ba90002", 503),
                Otlp.clientSpan(traceId, "00f067aa0ba90003", 200)).toByteArray();
        for (byte[] body : List.of(first, first, resentWithNew)) {
            HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces",
                    "application/x-protobuf", body);
            assertEquals(200, response.statusCode(), response.body());
        }

        JsonArray spans = getTrace(traceId).getAsJsonArray("spans");
        List<String> ids = new ArrayList<>();
        spans.forEach(span -> ids.add(span.getAsJsonObject().get("spanId").getAsString()));
        assertEquals(List.of("00f067aa0ba90001", "00f067aa0ba90002", "00f067aa0ba90003"), ids.stream().sorted().toList());
        JsonObject resent = spans.asList().stream().map(JsonElement::getAsJsonObject)
                .filter(span -> span.get("spanId").getAsString().endsWith("0002")).findFirst().orElseThrow();
        assertEquals(503, resent.getAsJsonObject("http").get("statusCode").getAsInt(), "the latest copy is kept");
    }

    @Test
    void concurrentSendersLoseNoAcknowledgedSpan() throws Exception {
        int senders = 8;
        int requestsEach = 15;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<List<String>>> acknowledged = new ArrayList<>();
            for (int sender = 0; sender < senders; sender++) {
                int s = sender;
                acknowledged.add(pool.submit(() -> {
                    List<String> traces = new ArrayList<>();
                    for (int request = 0; request < requestsEach; request++) {
                        String traceId = String.format("%016x%016x", s + 1, request + 1);
                        Span[] spans = new Span[10];
                        for (int i = 0; i < spans.length; i++) {
                            spans[i] = Otlp.clientSpan(traceId, String.format("%016x", i + 1), 200);
                        }
                        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces",
                                "application/x-protobuf", Otlp.traces("sender-" + s, spans).toByteArray());
                        assertEquals(200, response.statusCode(), response.body());
                        traces.add(traceId);
                    }
                    return traces;
                }));
            }
            int checked = 0;
            for (Future<List<String>> sender : acknowledged) {
                for (String traceId : sender.get(60, TimeUnit.SECONDS)) {
                    assertEquals(10, getTrace(traceId).getAsJsonArray("spans").size(), traceId);
                    checked++;
                }
            }
            assertEquals(senders * requestsEach, checked);
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonObject getTrace(String traceId) {
        HttpResponse<String> response = Http.get(collector.webEndpoint() + "/api/traces/" + traceId);
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
