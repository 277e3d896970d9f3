package dev.callsight.agent.instrumentation.jdkhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.callsight.agent.testing.LocalServer;
import dev.callsight.agent.testing.RecordingTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the hook the way the inlined advice does, around real java.net.http calls. */
class JdkHttpClientCallsTest {

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final JdkHttpClientCalls hook = new JdkHttpClientCalls(telemetry.calls());
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        telemetry.close();
    }

    @Test
    void sendGoesOutAsACopyCarryingTheSpansTraceparent() throws Exception {
        try (LocalServer server = new LocalServer()) {
            HttpRequest request = HttpRequest.newBuilder(server.uri("/orders/12")).GET().build();

            Object call = hook.enter(client, request, HttpResponse.BodyHandlers.ofString());
            Object nested = hook.enter(client, request, HttpResponse.BodyHandlers.ofString());
            hook.exit(nested, false, null, null);
            HttpRequest sent = (HttpRequest) hook.requestToSend(call, request);
            HttpResponse<String> response = client.send(sent, HttpResponse.BodyHandlers.ofString());
            hook.exit(call, false, response, null);

            assertNotNull(call);
            assertNull(nested);
            assertEquals(request.bodyPublisher().isPresent(), sent.bodyPublisher().isPresent(),
                    "a bodyless GET stays bodyless (no Content-Length: 0)");
            SpanData span = telemetry.spans().get(0);
            assertEquals("GET /orders/{id}", span.getName());
            assertEquals(List.of("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                    + span.getSpanContext().getTraceFlags().asHex()), server.traceparents());
            assertEquals(200L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals(1, telemetry.recordedCalls());

            Object next = hook.enter(client, request, HttpResponse.BodyHandlers.ofString());
            hook.exit(next, false, null, new IOException("reset"));
            assertNotNull(next, "depth is back to zero");
            assertEquals("java.io.IOException",
                    telemetry.spans().get(1).getAttributes().get(AttributeKey.stringKey("error.type")));
        }
    }

    @Test
    void sendAsyncEndsWhenTheResponseArrives() throws Exception {
        try (LocalServer server = new LocalServer()) {
            HttpRequest request = HttpRequest.newBuilder(server.uri("/missing/3"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            Object call = hook.enter(client, request, HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> future = client.sendAsync(
                    (HttpRequest) hook.requestToSend(call, request), HttpResponse.BodyHandlers.ofString());
            hook.exit(call, true, future, null);
            future.join();

            SpanData span = telemetry.awaitSpans(1, Duration.ofSeconds(10)).get(0);
            assertEquals("POST /missing/{id}", span.getName());
            assertEquals(404L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals("404", span.getAttributes().get(AttributeKey.stringKey("error.type")));
        }
    }

    @Test
    void aTraceparentTheApplicationSetIsSentAsItIs() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/x"))
                .header("traceparent", traceparent).build();

        Object call = hook.enter(client, request, HttpResponse.BodyHandlers.ofString());
        Object sent = hook.requestToSend(call, request);
        hook.exit(call, false, null, new IOException("not sent"));

        assertEquals(request, sent, "the same method, URI and headers");
        assertEquals(List.of(traceparent), ((HttpRequest) sent).headers().allValues("traceparent"));
        SpanData span = telemetry.spans().get(0);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", span.getTraceId());
        assertEquals("00f067aa0ba902b7", span.getParentSpanId());
    }
}
