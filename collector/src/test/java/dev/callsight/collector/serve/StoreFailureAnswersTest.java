package dev.callsight.collector.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails (here the span table of a collector that keeps spans in the JDBC store is gone, behind the
 * collector's back) is answered the same way on every path that reads or writes it: 503 with {@code Retry-After} and
 * a message, in the API's own error format, and nothing acknowledged.
 */
class StoreFailureAnswersTest {

    @TempDir
    Path dataDir;

    @Test
    void everyPathAnswers503WithRetryAfterInItsOwnFormat() throws Exception {
        try (Collector collector = TestCollectors.startWithJdbcSpans(dataDir, CollectorConfig.DEFAULT_MAX_BODY_BYTES)) {
            try (Connection connection = DriverManager.getConnection(collector.jdbcUrl(), "sa", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE spans");
            }

            HttpResponse<String> ui = Http.get(collector.webEndpoint() + "/api/traces");
            assertEquals(503, ui.statusCode(), ui::body);
            assertTrue(ui.headers().firstValue("Retry-After").isPresent(), ui::body);
            JsonObject error = JsonParser.parseString(ui.body()).getAsJsonObject();
            assertTrue(error.get("error").getAsString().startsWith("store unavailable: "), ui::body);

            HttpResponse<String> jaeger = Http.get(collector.webEndpoint()
                    + "/jaeger/api/traces/4bf92f3577b34da6a3ce929d0e0e4736");
            assertEquals(503, jaeger.statusCode(), jaeger::body);
            assertTrue(jaeger.headers().firstValue("Retry-After").isPresent(), jaeger::body);
            JsonObject envelope = JsonParser.parseString(jaeger.body()).getAsJsonObject();
            assertEquals(503, envelope.getAsJsonArray("errors").get(0).getAsJsonObject().get("code").getAsInt(),
                    jaeger::body);

            HttpResponse<String> ingest = Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                    Otlp.traces("checkout", Otlp.clientSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                            200)).toByteArray());
            assertEquals(503, ingest.statusCode(), ingest::body);
            assertTrue(ingest.headers().firstValue("Retry-After").isPresent(), ingest::body);
            assertTrue(ingest.body().startsWith("store unavailable: "), ingest::body);
        }
    }
}
