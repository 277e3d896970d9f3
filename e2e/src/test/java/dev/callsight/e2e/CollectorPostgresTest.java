package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector jar on a real PostgreSQL (Debian's postgresql package) through --jdbc-url. */
class CollectorPostgresTest {

    @TempDir
    Path temp;

    @Test
    void everyAcknowledgedSpanSurvivesSigkillMidIngest() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            CollectorFaultsTest.sigkillMidIngest(() -> CollectorProcess.start(temp.resolve("unused"),
                    "--jdbc-url", postgres.jdbcUrl()));
        }
    }

    @Test
    void tracesRollupsAndSlosWorkOnPostgres() throws Exception {
        Path slos = temp.resolve("slos.yaml");
        Files.writeString(slos, """
                slos:
                  - name: items-availability
                    selector: { service: pg-service, peer: "items.internal:443" }
                    sli: success
                    target: 99%
                    window: 7d
                """);
        try (PostgresServer postgres = PostgresServer.start()) {
            OtlpBatch batch = OtlpBatch.of("pg-service", OtlpBatch.traceId(0, 0), 3, 10);
            try (CollectorProcess collector = CollectorProcess.start(temp.resolve("unused"),
                    "--jdbc-url", postgres.jdbcUrl(), "--slos", slos.toString(), "--slo-interval", "1s")) {
                assertEquals(200, collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, batch.protobuf())
                        .statusCode());
                // Sent twice: the retry of a stored batch changes nothing.
                assertEquals(200, collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, batch.protobuf())
                        .statusCode());
                // The same cumulative point twice: the second adds nothing.
                byte[] metrics = metricsJson(System.currentTimeMillis() * 1_000_000L);
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, collector.postOtlp("/v1/metrics", "application/json", metrics).statusCode());
                }
                assertEquals(143, collector.stop());
            }
            try (CollectorProcess collector = CollectorProcess.start(temp.resolve("unused"),
                    "--jdbc-url", postgres.jdbcUrl(), "--slos", slos.toString(), "--slo-interval", "1s")) {
                CollectorFaultsTest.assertStored(collector, List.of(batch));
                assertEquals(List.of(batch.traceId()), collector.traceIds("pg-service", 10));
                assertEquals(3.0, collector.total("http_client_request_duration_seconds_count", "pg-service",
                        Map.of("http_route", "/items/{id}", "http_response_status_code", "200")));
                JsonObject slo = Eventually.get(() -> {
                    JsonObject status = JsonParser.parseString(collector.get("/api/slos/items-availability").body())
                            .getAsJsonObject();
                    return status.has("calls") && status.get("calls").getAsLong() == 3 ? status : null;
                }, "the SLO counting the 3 stored calls", Duration.ofSeconds(30));
                assertEquals(1.0, slo.get("sliRatio").getAsDouble());
                String jaeger = collector.get("/jaeger/api/traces/" + batch.traceId()).body();
                assertTrue(jaeger.contains("\"operationName\":\"GET /items/{id}\""), jaeger);
            }
        }
    }

    /** A cumulative histogram of 3 calls to items.internal:443 /items/{id}, all 200 and under 100 ms. */
    private static byte[] metricsJson(long now) {
        return ("""
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pg-service"}}]},
                "scopeMetrics":[{"scope":{"name":"e2e"},"metrics":[{"name":"http.client.request.duration","unit":"s",
                "histogram":{"aggregationTemporality":2,"dataPoints":[{"startTimeUnixNano":"%d","timeUnixNano":"%d",
                "count":"3","sum":0.15,"explicitBounds":[0.1,1],"bucketCounts":["3","0","0"],"attributes":[
                {"key":"http.request.method","value":{"stringValue":"GET"}},
                {"key":"server.address","value":{"stringValue":"items.internal"}},
                {"key":"server.port","value":{"intValue":"443"}},
                {"key":"url.template","value":{"stringValue":"/items/{id}"}},
                {"key":"http.response.status_code","value":{"intValue":"200"}}]}]}}]}]}]}
                """.formatted(now - 60_000_000_000L, now)).getBytes(StandardCharsets.UTF_8);
    }
}
