package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.app.server.ReactorGatewayApp;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.CollectorSpans;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A gateway on Reactor Netty (its HttpServer routing through its HttpClient, copying the inbound
 * headers as gateways do) in a JVM with the agent, in front of a misbehaving loopback upstream,
 * with a real collector: the inbound trace is continued by a server span and a client span of
 * the gateway's own, retries and the deadline are the policy's.
 */
class ReactorNettyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SERVICE = "reactor-gateway";

    @TempDir
    static Path workDir;

    private static FaultyUpstream upstream;
    private static CollectorProcess collector;
    private static InstrumentedServer gateway;
    private static Path policyFile;
    private static final HttpClient caller = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FaultyUpstream();
        collector = CollectorProcess.start(workDir.resolve("collector-data"));
        Path policies = Files.writeString(workDir.resolve("policies.yaml"), String.join("\n",
                "policies:",
                "  - match: { host: 127.0.0.1, path: \"/fail-then-ok/**\" }",
                "    retry: { maxAttempts: 3, initialBackoff: 20ms, on: [503] }",
                "  - match: { host: 127.0.0.1, path: \"/hang/**\" }",
                "    timeouts: { deadline: 1s }",
                "  - match: { host: 127.0.0.1, path: \"/slow/**\" }",
                "    timeouts: { read: 300ms }",
                "  - match: { host: 127.0.0.1, path: \"/status/500/**\" }",
                "    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 4, window: 30s, openFor: 30s, halfOpenCalls: 1 }"));
        policyFile = policies;
        gateway = start(Path.of(System.getProperty("java.home")), SERVICE);
    }

    private static InstrumentedServer start(Path javaHome, String service) throws Exception {
        String release = ClientLibraries.releasesOf("reactor-netty").get(0);
        return InstrumentedServer.start(javaHome, InstrumentedApp.exportingTo(collector, service),
                List.of("-Dcallsight.config=" + policyFile), ClientLibraries.jarsOf(release),
                ReactorGatewayApp.class.getName(), List.of(upstream.uri("").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** On every JDK the agent supports, with a gateway of its own. */
    @ParameterizedTest
    @MethodSource("javaHomes")
    void theInboundTraceIsContinuedByAServerSpanAndAClientSpanOfTheGatewaysOwn(Path javaHome) throws Exception {
        // A trace of its own per JDK; the other tests' traces end in 000N.
        String trace = "4bf92f3577b34da6a3ce929d0e0f" + String.format("%04x", javaHome.getFileName().toString().hashCode() & 0xffff);
        String inboundParent = "00f067aa0ba902b7";
        String path = "/ok/traced/" + javaHome.getFileName();
        HttpResponse<String> answer;
        try (InstrumentedServer own = start(javaHome, SERVICE + "-" + javaHome.getFileName())) {
            answer = caller.send(HttpRequest.newBuilder(own.uri(path))
                    .header("traceparent", "00-" + trace + "-" + inboundParent + "-01").timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), own::describe);
        }
        List<FaultyUpstream.Seen> seen = upstream.requests(path);
        assertEquals(1, seen.size());
        Matcher outgoing = CollectorSpans.TRACEPARENT.matcher(String.valueOf(seen.get(0).traceparent()));
        assertTrue(outgoing.matches(), seen.get(0).traceparent());
        assertEquals(trace, outgoing.group(1), "the gateway continues the caller's trace");
        assertNotEquals(inboundParent, outgoing.group(2), "the copied inbound traceparent is replaced by the client span's");

        List<JsonObject> spans = stored(trace, 2);
        assertEquals(2, spans.size(), spans::toString);
        JsonObject server = CollectorSpans.only(spans, "SERVER");
        JsonObject client = CollectorSpans.only(spans, "CLIENT");
        assertEquals(inboundParent, server.get("parentSpanId").getAsString());
        assertEquals("GET /ok/traced/" + javaHome.getFileName(), server.get("name").getAsString());
        assertEquals("200", CollectorProcess.attribute(server, "http.response.status_code"));
        assertEquals(server.get("spanId").getAsString(), client.get("parentSpanId").getAsString(),
                "the outbound call is a child of the request's span");
        assertEquals(outgoing.group(2), client.get("spanId").getAsString(), "the upstream saw the client span's id");
        assertEquals(upstream.uri(path).toString(), CollectorProcess.attribute(client, "url.full"));
        assertEquals("200", CollectorProcess.attribute(client, "http.response.status_code"));
        assertEquals("1.1", CollectorProcess.attribute(client, "network.protocol.version"));
    }

    static List<Path> javaHomes() {
        return Jvm.javaHomes();
    }

    @Test
    void idempotentRequestsAreRetriedAsAttemptsOfOneCallAndPostsAreNot() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e0002";

        assertEquals(200, get("/fail-then-ok/2/gateway", "00-" + trace + "-00f067aa0ba902b7-01").statusCode(),
                gateway::describe);
        HttpResponse<String> post = caller.send(HttpRequest.newBuilder(gateway.uri("/fail-then-ok/1/gateway-post"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(3, upstream.requests("/fail-then-ok/2/gateway").size());
        assertEquals(503, post.statusCode(), "the last response is the application's");
        assertEquals(1, upstream.requests("/fail-then-ok/1/gateway-post").size(), "a POST is not retried");
        List<JsonObject> spans = stored(trace, 4);
        assertEquals(4, spans.size(), spans::toString);
        JsonObject server = CollectorSpans.only(spans, "SERVER");
        assertEquals("200", CollectorProcess.attribute(server, "http.response.status_code"));
        List<JsonObject> attempts = spans.stream().filter(span -> "CLIENT".equals(CollectorSpans.kind(span)))
                .sorted(Comparator.comparingLong(span -> span.get("startTimeUnixNano").getAsLong())).toList();
        assertEquals(List.of("503", "503", "200"), attempts.stream()
                .map(span -> CollectorProcess.attribute(span, "http.response.status_code")).toList());
        assertNull(CollectorProcess.attribute(attempts.get(0), "http.request.resend_count"));
        for (int resend = 1; resend <= 2; resend++) {
            JsonObject retry = attempts.get(resend);
            assertEquals(Integer.toString(resend), CollectorProcess.attribute(retry, "http.request.resend_count"));
            assertEquals("agent", CollectorProcess.attribute(retry, "callsight.retry.source"));
            assertEquals("503", CollectorProcess.attribute(retry, "callsight.retry.reason"));
        }
        for (JsonObject attempt : attempts) {
            assertEquals(server.get("spanId").getAsString(), attempt.get("parentSpanId").getAsString(),
                    "the attempts are siblings under the request's span");
        }
        Eventually.get(() -> {
            double total = collector.total("callsight_http_client_retries_total", SERVICE,
                    Map.of("reason", "503", "source", "agent"));
            return total == 2 ? total : null;
        }, "two agent retries counted", PATIENCE);
    }

    @Test
    void aHungRouteEndsAtThePolicyDeadlineWithATimeoutException() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e0003";
        long start = System.nanoTime();

        HttpResponse<String> answer = get("/hang/gateway", "00-" + trace + "-00f067aa0ba902b7-01");

        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(504, answer.statusCode(), gateway::describe);
        assertEquals("java.util.concurrent.TimeoutException", answer.body());
        assertTrue(millis >= 980 && millis < 5000, "ended by the 1 s deadline: " + millis + " ms");
        JsonObject client = Eventually.get(() -> CollectorSpans.only(collector.spans(trace), "CLIENT"),
                "client span of the hung call", PATIENCE);
        assertEquals("deadline", CollectorProcess.attribute(client, "callsight.timeout.kind"));
        assertEquals("java.util.concurrent.TimeoutException", CollectorProcess.attribute(client, "error.type"));
    }

    @Test
    void thePolicysReadTimeoutIsTheClientsResponseTimeout() throws Exception {
        long start = System.nanoTime();

        HttpResponse<String> answer = get("/slow/3000/gateway", "00-4bf92f3577b34da6a3ce929d0e0e0004-00f067aa0ba902b7-01");

        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(504, answer.statusCode(), gateway::describe);
        assertEquals("io.netty.handler.timeout.ReadTimeoutException", answer.body());
        assertTrue(millis >= 280 && millis < 2500, "ended by the 300 ms read timeout: " + millis + " ms");
    }

    @Test
    void anOpenCircuitIsAnErrorSignalAndTheUpstreamSeesNothing() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(500, get("/status/500/breaker", "00-4bf92f3577b34da6a3ce929d0e0e0005-00f067aa0ba902b7-01")
                    .statusCode(), gateway::describe);
        }
        String trace = "4bf92f3577b34da6a3ce929d0e0e0006";

        HttpResponse<String> refused = get("/status/500/breaker", "00-" + trace + "-00f067aa0ba902b7-01");

        assertEquals(504, refused.statusCode(), gateway::describe);
        assertEquals("dev.callsight.agent.bootstrap.CallRejectedException", refused.body());
        assertEquals(4, upstream.requests("/status/500/breaker").size());
        JsonObject client = Eventually.get(() -> CollectorSpans.only(collector.spans(trace), "CLIENT"),
                "client span of the refused call", PATIENCE);
        assertEquals("circuit_open", CollectorProcess.attribute(client, "error.type"));
    }

    private static HttpResponse<String> get(String path, String traceparent) throws Exception {
        return caller.send(HttpRequest.newBuilder(gateway.uri(path)).header("traceparent", traceparent)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonObject> stored(String trace, int expected) throws Exception {
        return Eventually.get(() -> {
            List<JsonObject> spans = collector.spans(trace);
            return spans.size() >= expected ? spans : null;
        }, expected + " spans of " + trace, () -> {
            try {
                return "stored: " + collector.spans(trace) + "\ncollector:\n" + String.join("\n", collector.output());
            } catch (Exception e) {
                return "stored: unreadable (" + e + ")";
            }
        }, PATIENCE);
    }
}
