package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.CollectorSpans;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.testing.Eventually;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spring Boot 3 WebFlux executable jar of e2e/apps/webflux (Reactor Netty in Boot's nested-jar class loader)
 * started with {@code java -javaagent -jar}, calling a misbehaving loopback upstream through WebClient, with a real
 * collector: server spans with WebFlux's matched route, WebClient calls as their children, the policy's retries and
 * deadline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebFluxJarTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SERVICE = "webflux-items";

    @TempDir
    static Path workDir;

    private static FaultyUpstream upstream;
    private static CollectorProcess collector;
    private static InstrumentedServer app;
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
                "    timeouts: { deadline: 1s }"));
        List<String> arguments = new ArrayList<>(List.of("-Dcallsight.config=" + policies, "-jar",
                Jvm.webfluxJar().toString(), "--server.port=0", "--server.address=127.0.0.1"));
        app = InstrumentedServer.launch(Path.of(System.getProperty("java.home")),
                InstrumentedApp.exportingTo(collector, SERVICE), arguments, "webflux", InstrumentedServer.LISTENING,
                Pattern.compile("Started ItemsApplication in"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void aRequestIsAServerSpanWithTheMatchedRouteAndItsWebClientCallIsItsChild() throws Exception {
        String trace = "6bf92f3577b34da6a3ce929d0e0e0001";
        String inboundParent = "00f067aa0ba902b7";

        HttpResponse<String> answer = items("abc", "/ok/webflux", "00-" + trace + "-" + inboundParent + "-01");

        assertEquals(200, answer.statusCode(), app::describe);
        List<FaultyUpstream.Seen> seen = upstream.requests("/ok/webflux");
        assertEquals(1, seen.size());
        Matcher outgoing = CollectorSpans.TRACEPARENT.matcher(String.valueOf(seen.get(0).traceparent()));
        assertTrue(outgoing.matches(), seen.get(0).traceparent());
        assertEquals(trace, outgoing.group(1), "the WebClient call continues the inbound trace");
        List<JsonObject> spans = stored(trace, 2);
        assertEquals(2, spans.size(), spans::toString);
        JsonObject server = CollectorSpans.only(spans, "SERVER");
        JsonObject client = CollectorSpans.only(spans, "CLIENT");
        assertEquals(inboundParent, server.get("parentSpanId").getAsString());
        assertEquals("GET /orders/{orderId}/items", server.get("name").getAsString(), "WebFlux's matched route");
        assertEquals("/orders/{orderId}/items", CollectorProcess.attribute(server, "http.route"));
        assertEquals("200", CollectorProcess.attribute(server, "http.response.status_code"));
        assertEquals(server.get("spanId").getAsString(), client.get("parentSpanId").getAsString());
        assertEquals(outgoing.group(2), client.get("spanId").getAsString(), "the upstream saw the client span's id");
        assertEquals("GET", CollectorProcess.attribute(client, "http.request.method"));
        assertEquals("200", CollectorProcess.attribute(client, "http.response.status_code"));
    }

    @Test
    @Order(2)
    void aRetriedWebClientCallIsThreeAttemptsAndTheApplicationSeesTheLastResponse() throws Exception {
        String trace = "6bf92f3577b34da6a3ce929d0e0e0002";

        HttpResponse<String> answer = items("abc", "/fail-then-ok/2/webflux", "00-" + trace + "-00f067aa0ba902b7-01");

        assertEquals(200, answer.statusCode(), app::describe);
        assertEquals(3, upstream.requests("/fail-then-ok/2/webflux").size());
        List<JsonObject> spans = stored(trace, 4);
        assertEquals(4, spans.size(), spans::toString);
        List<JsonObject> attempts = spans.stream().filter(span -> "CLIENT".equals(CollectorSpans.kind(span)))
                .sorted(Comparator.comparingLong(span -> span.get("startTimeUnixNano").getAsLong())).toList();
        assertEquals(List.of("503", "503", "200"), attempts.stream()
                .map(span -> CollectorProcess.attribute(span, "http.response.status_code")).toList());
        assertEquals("2", CollectorProcess.attribute(attempts.get(2), "http.request.resend_count"));
        assertEquals("agent", CollectorProcess.attribute(attempts.get(2), "callsight.retry.source"));
        Eventually.get(() -> {
            double total = collector.total("callsight_http_client_retries_total", SERVICE,
                    Map.of("reason", "503", "source", "agent"));
            return total == 2 ? total : null;
        }, "two agent retries counted", PATIENCE);
    }

    @Test
    @Order(3)
    void aHungUpstreamEndsAtThePolicyDeadlineAsATimeoutExceptionWebClientWraps() throws Exception {
        String trace = "6bf92f3577b34da6a3ce929d0e0e0003";
        long start = System.nanoTime();

        HttpResponse<String> answer = items("abc", "/hang/webflux", "00-" + trace + "-00f067aa0ba902b7-01");

        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(502, answer.statusCode(), app::describe);
        assertEquals("java.util.concurrent.TimeoutException", answer.body());
        assertTrue(millis >= 980 && millis < 5000, "ended by the 1 s deadline: " + millis + " ms");
        JsonObject client = Eventually.get(() -> CollectorSpans.only(collector.spans(trace), "CLIENT"),
                "client span of the hung call", PATIENCE);
        assertEquals("deadline", CollectorProcess.attribute(client, "callsight.timeout.kind"));
    }

    @Test
    @Order(4)
    void theServerCountsEachRequestOnceUnderTheMatchedRouteAndNothingFailedToLink() throws Exception {
        Map<String, String> route = Map.of("http_route", "/orders/{orderId}/items");
        double counted = Eventually.get(() -> {
            double total = collector.total("http_server_request_duration_seconds_count", SERVICE, route);
            return total >= 3 ? total : null;
        }, "three requests counted under the matched route", PATIENCE);
        assertEquals(3, counted, "one per request the tests above sent");
        assertEquals(List.of(), app.lines().stream()
                .filter(line -> DeployedServiceTest.LINKAGE.matcher(line).find()).toList(), app::describe);
    }

    private static HttpResponse<String> items(String orderId, String upstreamPath, String traceparent) throws Exception {
        String target = URLEncoder.encode(upstream.uri(upstreamPath).toString(), StandardCharsets.UTF_8);
        return caller.send(HttpRequest.newBuilder(app.uri("/orders/" + orderId + "/items?target=" + target))
                .header("traceparent", traceparent).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonObject> stored(String trace, int expected) throws Exception {
        return Eventually.get(() -> {
            List<JsonObject> spans = collector.spans(trace);
            return spans.size() >= expected ? spans : null;
        }, expected + " spans of " + trace, PATIENCE);
    }
}
