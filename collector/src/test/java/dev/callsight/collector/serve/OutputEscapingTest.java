package dev.callsight.collector.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Span data is attacker-controlled text: every endpoint that shows it (the UI's JSON API, the Jaeger API, /metrics,
 * error messages) must carry it as data with a non-HTML content type, never as markup a browser would run.
 */
class OutputEscapingTest {

    private static final String HOSTILE = "</script><img src=x onerror=alert(1)>\"'&\n\u2028";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dataDir;

    @Test
    void spanDataIsEscapedWhereverItIsServed() {
        try (Collector collector = TestCollectors.start(dataDir)) {
            var span = Otlp.clientSpan(TRACE, "00f067aa0ba902b7", 200).toBuilder().setName(HOSTILE)
                    .addAttributes(Otlp.attr("note", HOSTILE)).build();
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                    Otlp.traces(HOSTILE, span).toByteArray()).statusCode());
            assertEquals(200, Http.post(collector.otlpEndpoint() + "/v1/metrics", "application/x-protobuf",
                    Otlp.metrics(HOSTILE, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                            Otlp.point(Otlp.BASE_NANOS, Otlp.BASE_NANOS + 1, 200, 1)).toByteArray()).statusCode());

            String service = URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8);
            for (String path : List.of("/api/traces/" + TRACE, "/jaeger/api/traces/" + TRACE, "/api/services",
                    "/jaeger/api/services", "/api/traces?service=" + service,
                    "/api/search?service=" + service + "&from=0", "/api/no-such-" + service)) {
                HttpResponse<String> answer = Http.get(collector.webEndpoint() + path);
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
                assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(""), path);
                assertFalse(answer.body().contains("<") || answer.body().contains(">"),
                        path + " carries markup characters raw: " + answer.body());
                JsonParser.parseString(answer.body());
            }
            String trace = Http.get(collector.webEndpoint() + "/jaeger/api/traces/" + TRACE).body();
            assertEquals(HOSTILE, JsonParser.parseString(trace).getAsJsonObject().getAsJsonArray("data").get(0)
                    .getAsJsonObject().getAsJsonArray("spans").get(0).getAsJsonObject().get("operationName")
                    .getAsString(), "the value itself survives, as data");

            HttpResponse<String> metrics = Http.get(collector.webEndpoint() + "/metrics");
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertEquals("nosniff", metrics.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertTrue(metrics.body().contains("service_name=\"</script><img src=x onerror=alert(1)>\\\"'&\\n\u2028\""),
                    "label values escaped as the text format asks: " + metrics.body());
        }
    }
}
