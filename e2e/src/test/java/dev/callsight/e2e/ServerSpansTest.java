package dev.callsight.e2e;

import static dev.callsight.e2e.support.CollectorProcess.attribute;
import static dev.callsight.e2e.support.CollectorSpans.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.e2e.app.server.JdkHttpServerApp;
import dev.callsight.e2e.app.server.JettyApp;
import dev.callsight.e2e.app.server.JettyEe8App;
import dev.callsight.e2e.app.server.Outbound;
import dev.callsight.e2e.app.server.TomcatApp;
import dev.callsight.e2e.app.server.UndertowApp;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server side of whole traces, once per server: Tomcat 10.1, Jetty 12 ee10 and Undertow 2.3 (jakarta.servlet),
 * Jetty 12 ee8 (javax.servlet) and the JDK's HttpServer, each embedded in an application JVM with the agent, on
 * every JDK the agent is tested on. Every
 * request the test sends becomes a SERVER span that continues the caller's traceparent (or starts a trace), the
 * outbound call a handler makes is its CLIENT child, failures carry error.type, and the server duration histogram
 * reaches the collector's rollups, /metrics and a {@code kind: server} SLO.
 */
@Timeout(300)
class ServerSpansTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String USER_AGENT = "callsight-e2e/1.0";

    @TempDir
    static Path workDir;
    private static CollectorProcess collector;
    private static RecordingServer upstream;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        StringBuilder slos = new StringBuilder("slos:\n");
        for (Object[] server : serversOnEveryJdk().map(Arguments::get).toList()) {
            String name = name((String) server[0], (Path) server[3]);
            slos.append("  - name: ").append(name).append("-endpoints\n")
                    .append("    selector: { service: e2e-server-").append(name).append(", kind: server }\n")
                    .append("    sli: success\n    target: 99%\n    window: 30d\n");
        }
        Path sloFile = workDir.resolve("slos.yaml");
        Files.writeString(sloFile, slos);
        upstream = new RecordingServer(TestCertificate.create(workDir).serverContext());
        collector = CollectorProcess.start(workDir.resolve("collector-data"), "--slos", sloFile.toString(),
                "--slo-interval", "2s");
    }

    @AfterAll
    static void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Name, main class, and the folder of the container's jars (null for the JDK's own server). */
    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("tomcat", TomcatApp.class.getName(), "server-tomcat-"),
                Arguments.of("jetty-ee10", JettyApp.class.getName(), "server-jetty-ee10-"),
                Arguments.of("jetty-ee8", JettyEe8App.class.getName(), "server-jetty-ee8-"),
                Arguments.of("undertow", UndertowApp.class.getName(), "server-undertow-"),
                Arguments.of("jdk-httpserver", JdkHttpServerApp.class.getName(), null));
    }

    /** Every server on every JDK the agent is tested on. */
    static Stream<Arguments> serversOnEveryJdk() {
        List<Arguments> servers = servers().toList();
        return Jvm.javaHomes().stream().flatMap(javaHome -> servers.stream().map(server -> Arguments.of(
                server.get()[0], server.get()[1], server.get()[2], javaHome)));
    }

    /** The server and JDK, as SLO and service names spell them. */
    private static String name(String server, Path javaHome) {
        return server + "-" + javaHome.getFileName();
    }

    @ParameterizedTest(name = "{0} on {3}")
    @MethodSource("serversOnEveryJdk")
    void everyRequestIsAServerSpanInTheCallersTraceAndItsOutboundCallsAreItsChildren(String server, String main,
            String folder, Path javaHome) throws Exception {
        String name = name(server, javaHome);
        String service = "e2e-server-" + name;
        List<Path> jars = folder == null ? List.of() : ClientLibraries.jarsOf(single(folder));
        boolean servlet = folder != null;
        String traced = "4bf92f3577b34da6a3ce929d0e0e" + hex4(name);
        String caller = "00f067aa0ba902b7";
        String outboundTrace = "5cf92f3577b34da6a3ce929d0e0e" + hex4(name);
        int seenBefore = upstream.seen().size();
        try (InstrumentedServer app = InstrumentedServer.start(javaHome,
                InstrumentedApp.exportingTo(collector, service), jars, main)) {
            int port = app.port();
            HttpResponse<String> hello = get(app, "/hello?q=1&token=secret", "00-" + traced + "-" + caller + "-01");
            assertEquals(200, hello.statusCode(), app::describe);
            assertEquals("yes", hello.headers().firstValue("X-Filtered").orElse(null), "the filter ran");
            assertEquals(200, get(app, "/users/42", null).statusCode(), app::describe);
            assertEquals(200, get(app, "/outbound?to=" + URLEncoder.encode(upstream.httpUrl() + "/downstream/" + name,
                    StandardCharsets.UTF_8), "00-" + outboundTrace + "-" + caller + "-01").statusCode(), app::describe);
            for (int i = 0; i < 3; i++) {
                assertEquals(503, get(app, "/fail", null).statusCode(), app::describe);
            }
            if (servlet) {
                HttpResponse<String> thrown = get(app, "/throw", null);
                assertEquals(500, thrown.statusCode(), app::describe);
                if (server.equals("tomcat")) {
                    assertEquals("error page", thrown.body(), "Tomcat dispatched to its error page");
                }
                HttpResponse<String> async = get(app, "/async", null);
                assertEquals(202, async.statusCode(), app::describe);
            } else {
                assertThrows(IOException.class, () -> get(app, "/throw", null), "the JDK server drops the exchange");
            }
            // Asserted while the application runs: its periodic exports, not the bounded flush at exit, deliver.
            assertExported(name, service, port, servlet, traced, caller, outboundTrace, seenBefore);
        }
    }

    private void assertExported(String name, String service, int port, boolean servlet, String traced,
            String caller, String outboundTrace, int seenBefore) throws Exception {

        JsonObject helloSpan = Eventually.get(() -> only(collector.spans(traced), "SERVER"), "server span of /hello",
                PATIENCE);
        assertEquals(caller, helloSpan.get("parentSpanId").getAsString(), "continues the caller's trace");
        assertEquals("GET /hello", helloSpan.get("name").getAsString(), helloSpan::toString);
        assertEquals(service, helloSpan.get("serviceName").getAsString());
        assertEquals("GET", attribute(helloSpan, "http.request.method"));
        assertEquals("/hello", attribute(helloSpan, "url.path"));
        assertEquals("http", attribute(helloSpan, "url.scheme"));
        assertEquals("q=1&token=REDACTED", attribute(helloSpan, "url.query"), "sensitive query values are redacted");
        assertEquals("/hello", attribute(helloSpan, "http.route"));
        assertEquals("200", attribute(helloSpan, "http.response.status_code"));
        assertEquals("127.0.0.1", attribute(helloSpan, "server.address"));
        assertEquals(Integer.toString(port), attribute(helloSpan, "server.port"));
        assertEquals("127.0.0.1", attribute(helloSpan, "client.address"));
        assertEquals(USER_AGENT, attribute(helloSpan, "user_agent.original"));
        assertNull(attribute(helloSpan, "error.type"), helloSpan::toString);
        assertEquals(1, collector.spans(traced).size(), "one span per request, however many filters ran");

        JsonObject outboundServer = Eventually.get(() -> only(collector.spans(outboundTrace), "SERVER"),
                "server span of /outbound", PATIENCE);
        JsonObject outboundClient = Eventually.get(() -> only(collector.spans(outboundTrace), "CLIENT"),
                "client span of the handler's outbound call", PATIENCE);
        assertEquals(outboundServer.get("spanId").getAsString(), outboundClient.get("parentSpanId").getAsString(),
                "the outbound call is a child of the request's span");
        RecordingServer.SeenRequest downstream = upstream.seen().subList(seenBefore, upstream.seen().size()).stream()
                .filter(request -> request.path().equals("/downstream/" + name)).findFirst().orElseThrow();
        Matcher sent = TRACEPARENT.matcher(String.valueOf(downstream.traceparent()));
        assertTrue(sent.matches(), downstream::toString);
        assertEquals(outboundTrace, sent.group(1), "the whole trace reaches the downstream service");
        assertEquals(outboundClient.get("spanId").getAsString(), sent.group(2));

        List<JsonObject> serverSpans = Eventually.get(() -> {
            List<JsonObject> spans = serverSpansOf(service);
            return spans.size() >= (servlet ? 8 : 7) ? spans : null;
        }, "every request's span", PATIENCE);
        for (JsonObject span : serverSpans) {
            String trace = span.get("traceId").getAsString();
            if (!trace.equals(traced) && !trace.equals(outboundTrace)) {
                // Requests share pooled threads: a span left current would become the next request's parent.
                assertTrue(!span.has("parentSpanId") || span.get("parentSpanId").getAsString().isEmpty(),
                        "a request without traceparent starts a trace: " + span);
            }
        }
        JsonObject users = named(serverSpans, "GET /users/{id}");
        assertEquals("/users/{id}", attribute(users, "http.route"));
        JsonObject fail = named(serverSpans, "GET /fail");
        assertEquals("503", attribute(fail, "http.response.status_code"));
        assertEquals("503", attribute(fail, "error.type"));
        if (servlet) {
            // Forwards, error pages (Tomcat's here) and async dispatches re-enter filters and servlets.
            assertEquals(Map.of("GET /hello", 1L, "GET /users/{id}", 1L, "GET /outbound", 1L, "GET /fail", 3L,
                    "GET /throw", 1L, "GET /async", 1L), serverSpans.stream().collect(Collectors.groupingBy(
                    span -> span.get("name").getAsString(), Collectors.counting())), "one span per request");
        }
        JsonObject thrown = named(serverSpans, "GET /throw");
        assertEquals("java.lang.IllegalStateException", attribute(thrown, "error.type"), thrown::toString);
        assertEquals(servlet ? "500" : null, attribute(thrown, "http.response.status_code"), thrown::toString);
        if (servlet) {
            JsonObject async = named(serverSpans, "GET /async");
            assertEquals("202", attribute(async, "http.response.status_code"), "the status the async thread set");
            assertTrue(async.get("durationNanos").getAsLong() >= Duration.ofMillis(Outbound.ASYNC_DELAY_MILLIS)
                    .toNanos(), "an async request's span ends when its response completes: " + async);
        }

        double failures;
        try {
            failures = Eventually.get(() -> {
                double count = collector.total("http_server_request_duration_seconds_count", service,
                        Map.of("http_route", "/fail", "http_request_method", "GET", "http_response_status_code", "503",
                                "error_type", "503"));
                return count >= 3 ? count : null;
            }, "server durations on /metrics", PATIENCE);
        } catch (AssertionError missing) {
            throw new AssertionError(missing.getMessage() + "; the service's series:\n" + collector.get("/metrics")
                    .body().lines().filter(line -> line.contains(service)).collect(Collectors.joining("\n")), missing);
        }
        assertEquals(3, failures);
        assertEquals(0, collector.total("http_client_request_duration_seconds_count", service,
                Map.of("http_route", "/fail")), "server requests are not client calls");

        // A range that ends after the current minute: a data point is stamped with its export's minute.
        String range = "&to=" + (System.currentTimeMillis() / 1000 + 120);
        JsonObject series = json("/api/calls/series?service=" + service + "&kind=server&route=/hello" + range);
        assertEquals("server", series.get("kind").getAsString());
        assertEquals(1, series.getAsJsonObject("totals").get("calls").getAsLong(), series::toString);
        JsonObject clientSeries = json("/api/calls/series?service=" + service + range);
        assertEquals(1, clientSeries.getAsJsonObject("totals").get("calls").getAsLong(),
                "the one outbound call: " + clientSeries);

        JsonObject slo = Eventually.get(() -> {
            JsonObject body = json("/api/slos/" + name + "-endpoints");
            return body.has("calls") && body.get("calls").getAsLong() >= (servlet ? 8 : 7) ? body : null;
        }, "the server SLO evaluated from server durations", PATIENCE);
        assertEquals("server", slo.getAsJsonObject("selector").get("kind").getAsString());
        assertNotEquals(0, slo.get("calls").getAsLong());
    }

    private static String single(String prefix) {
        List<String> releases = ClientLibraries.releasesOf(prefix.substring(0, prefix.length() - 1));
        assertEquals(1, releases.size(), releases::toString);
        return releases.get(0);
    }

    /** Four hex digits that differ per server and JDK, so each run's traces are its own. */
    private static String hex4(String name) {
        return String.format("%04x", name.hashCode() & 0xffff);
    }

    private HttpResponse<String> get(InstrumentedServer app, String pathAndQuery, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .header("User-Agent", USER_AGENT);
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject named(List<JsonObject> spans, String name) {
        return spans.stream().filter(span -> name.equals(span.get("name").getAsString())).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    private static List<JsonObject> serverSpansOf(String service) throws Exception {
        List<JsonObject> spans = new ArrayList<>();
        for (String traceId : collector.traceIds(service, 50)) {
            spans.addAll(collector.spans(traceId).stream().filter(span -> service.equals(
                    span.get("serviceName").getAsString()) && "SERVER".equals(span.get("kind").getAsString()
                    .replace("SPAN_KIND_", ""))).toList());
        }
        return spans;
    }

    private static JsonObject json(String path) throws Exception {
        HttpResponse<String> response = collector.get(path);
        assertEquals(200, response.statusCode(), response::body);
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
