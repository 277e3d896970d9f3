package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.AppResult;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.PrometheusText;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The foundation end to end: a real JVM with the built agent calls a real local server through
 * both JDK clients, and a real collector process stores what the agent exports.
 */
@Timeout(180)
class AgentToCollectorTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path workDir;

    private static TestCertificate certificate;
    private static RecordingServer upstream;
    private static CollectorProcess collector;

    @BeforeAll
    static void start() throws Exception {
        certificate = TestCertificate.create(workDir);
        upstream = new RecordingServer(certificate.serverContext());
        collector = CollectorProcess.start(workDir.resolve("collector-data"));
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

    static Stream<Path> javaHomes() {
        return Jvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void everyCallCarriesATraceparentWhoseSpanTheCollectorStored(Path javaHome) throws Exception {
        String service = "e2e-traced-" + javaHome.getFileName();
        int before = upstream.seen().size();
        List<AppCall> calls = mixedCalls();

        InstrumentedApp.Result app = runApp(javaHome, InstrumentedApp.exportingTo(collector, service), calls);

        assertEquals(0, app.exitCode(), app::describe);
        assertEquals(calls.size(), app.results().size(), app::describe);
        for (AppResult result : app.results()) {
            assertEquals(expectedStatus(result.url()), result.status(), () -> "status of " + result.toString());
        }
        List<RecordingServer.SeenRequest> seen = upstream.seen().subList(before, upstream.seen().size());
        assertEquals(calls.size(), seen.size());
        assertEquals(2, seen.stream().filter(r -> r.protocol().equals("HTTP/2.0")).count(), "HTTP/2 calls: " + seen);
        for (RecordingServer.SeenRequest request : seen) {
            assertNotNull(request.traceparent(), () -> "no traceparent on " + request);
            var header = TRACEPARENT.matcher(request.traceparent());
            assertTrue(header.matches(), () -> "invalid traceparent " + request.traceparent());
            JsonObject span = eventually(() -> spanOf(header.group(1), header.group(2)), "span " + request.traceparent());
            assertEquals("CLIENT", span.get("kind").getAsString().replace("SPAN_KIND_", ""), span::toString);
            assertEquals(request.method(), attribute(span, "http.request.method"), span::toString);
        }

        Map<String, Long> expectedByStatus = app.results().stream()
                .collect(Collectors.groupingBy(result -> Integer.toString(result.status()), TreeMap::new,
                        Collectors.counting()));
        Map<String, Long> countedByStatus = eventually(() -> {
            Map<String, Long> counted = callCountsByStatus(service);
            return counted.equals(expectedByStatus) ? counted : null;
        }, "/metrics counts " + expectedByStatus + " for " + service + ", last seen " + callCountsByStatus(service));
        assertEquals(expectedByStatus, countedByStatus);
        assertTrue(collector.get("/metrics").body().contains("http_route=\"/users/{id}\""), "route template label");
    }

    @Test
    void aTraceparentTheApplicationSetIsKeptAndContinued() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String applicationSpan = "00f067aa0ba902b7";
        String traceparent = "00-" + traceId + "-" + applicationSpan + "-01";
        int before = upstream.seen().size();

        InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")),
                InstrumentedApp.exportingTo(collector, "e2e-own-traceparent"),
                List.of(AppCall.of("jdk", "GET", upstream.httpUrl() + "/mine/1").withHeader(traceparent),
                        AppCall.of("urlconnection", "GET", upstream.httpUrl() + "/mine/2").withHeader(traceparent)));

        assertEquals(0, app.exitCode(), app::describe);
        List<RecordingServer.SeenRequest> seen = upstream.seen().subList(before, upstream.seen().size());
        assertEquals(List.of(traceparent, traceparent), seen.stream().map(RecordingServer.SeenRequest::traceparent).toList());
        List<JsonObject> spans = eventually(() -> {
            List<JsonObject> found = spansOf(traceId);
            return found.size() == 2 ? found : null;
        }, "both spans of the application's trace");
        for (JsonObject span : spans) {
            assertEquals(applicationSpan, span.get("parentSpanId").getAsString(), span::toString);
        }
    }

    @Test
    void callsAreCountedExactlyWhenNoTraceIsSampled() throws Exception {
        String service = "e2e-unsampled";
        int before = upstream.seen().size();
        List<AppCall> calls = mixedCalls();

        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(collector, service));
        environment.put("OTEL_TRACES_SAMPLER", "always_off");
        InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")), environment, calls);

        assertEquals(0, app.exitCode(), app::describe);
        Map<String, Long> expectedByStatus = app.results().stream()
                .collect(Collectors.groupingBy(result -> Integer.toString(result.status()), TreeMap::new,
                        Collectors.counting()));
        eventually(() -> callCountsByStatus(service).equals(expectedByStatus) ? true : null,
                "/metrics counts " + expectedByStatus + " for " + service + " without sampled traces");
        for (RecordingServer.SeenRequest request : upstream.seen().subList(before, upstream.seen().size())) {
            var header = TRACEPARENT.matcher(request.traceparent());
            assertTrue(header.matches(), () -> "context still travels: " + request);
            assertTrue(request.traceparent().endsWith("-00") || request.traceparent().endsWith("-02"),
                    () -> "the sampled flag is off: " + request.traceparent());
            assertEquals(404, collector.get("/api/traces/" + header.group(1)).statusCode(), "no span is exported");
        }
    }

    /**
     * At a sampling ratio, what a busy service runs: the calls the agent keeps are traces on the collector under the
     * trace ids their headers carried, the ones it drops carry their context on with the sampled flag off and leave
     * no span, and the metrics count every call.
     */
    @Test
    void atARatioKeptCallsAreTracesDroppedOnesLeaveNoneAndAllAreCounted() throws Exception {
        String service = "e2e-ratio";
        int before = upstream.seen().size();
        List<AppCall> calls = mixedCalls();
        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(collector, service));
        environment.put("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
        environment.put("OTEL_TRACES_SAMPLER_ARG", "0.5");
        InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")), environment, calls);

        assertEquals(0, app.exitCode(), app::describe);
        Map<String, Long> expectedByStatus = app.results().stream()
                .collect(Collectors.groupingBy(result -> Integer.toString(result.status()), TreeMap::new,
                        Collectors.counting()));
        eventually(() -> callCountsByStatus(service).equals(expectedByStatus) ? true : null,
                "/metrics counts " + expectedByStatus + " for " + service + ", sampled or not");
        for (RecordingServer.SeenRequest request : upstream.seen().subList(before, upstream.seen().size())) {
            var header = TRACEPARENT.matcher(request.traceparent());
            assertTrue(header.matches(), () -> "context travels on every call: " + request);
            if (request.traceparent().endsWith("-01")) {
                eventually(() -> spanOf(header.group(1), header.group(2)), "kept span " + request.traceparent());
            } else {
                assertTrue(request.traceparent().endsWith("-00"), request::toString);
                assertEquals(404, collector.get("/api/traces/" + header.group(1)).statusCode(), "dropped: no span");
            }
        }
    }

    @Test
    void b3HeadersGoOutBesideTraceparentWhenAskedFor() throws Exception {
        int before = upstream.seen().size();
        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(collector, "e2e-b3"));
        environment.put("OTEL_PROPAGATORS", "tracecontext,baggage,b3multi");

        InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")), environment,
                List.of(AppCall.of("jdk", "GET", upstream.httpUrl() + "/b3/1"),
                        AppCall.of("urlconnection", "GET", upstream.httpUrl() + "/b3/2")));

        assertEquals(0, app.exitCode(), app::describe);
        List<RecordingServer.SeenRequest> seen = upstream.seen().subList(before, upstream.seen().size());
        assertEquals(2, seen.size());
        for (RecordingServer.SeenRequest request : seen) {
            var header = TRACEPARENT.matcher(request.traceparent());
            assertTrue(header.matches(), request::toString);
            assertEquals(header.group(1), request.b3TraceId(), request::toString);
        }
    }

    @Test
    void withTheCollectorUnreachableEveryCallSucceedsAndTheJvmExits() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<AppCall> calls = mixedCalls();

        InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")), Map.of(
                "OTEL_SERVICE_NAME", "e2e-collector-down",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + closedPort,
                "OTEL_BSP_SCHEDULE_DELAY", "100",
                "OTEL_METRIC_EXPORT_INTERVAL", "200"), calls);

        assertEquals(0, app.exitCode(), app::describe);
        assertEquals(calls.size(), app.results().size(), app::describe);
        for (AppResult result : app.results()) {
            assertEquals(expectedStatus(result.url()), result.status(), () -> "status of " + result.toString());
        }
        assertTrue(app.elapsed().compareTo(Duration.ofSeconds(20)) < 0, app::describe);
    }

    @Test
    void withACollectorThatNeverAnswersTheJvmStillExitsPromptly() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (held.size() < 100) {
                        held.add(blackHole.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
            List<AppCall> calls = mixedCalls();

            InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")), Map.of(
                    "OTEL_SERVICE_NAME", "e2e-collector-hangs",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + blackHole.getLocalPort(),
                    "OTEL_EXPORTER_OTLP_TIMEOUT", "30000",
                    "OTEL_BSP_SCHEDULE_DELAY", "100",
                    "OTEL_METRIC_EXPORT_INTERVAL", "200"), calls);

            assertEquals(0, app.exitCode(), app::describe);
            for (AppResult result : app.results()) {
                assertEquals(expectedStatus(result.url()), result.status(), () -> result.toString());
            }
            assertFalse(held.isEmpty(), "the agent did try to export");
            // Exports hang for their 30 s timeout; the exit flush is bounded at 2 s, so the JVM exits long before.
            assertTrue(app.elapsed().compareTo(Duration.ofSeconds(15)) < 0, app::describe);
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void malformedOtlpIsRejectedWithAMessageAndNothingIsStored() throws Exception {
        String goodTrace = "0af7651916cd43dd8448eb211c80319c";
        String body = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"e2e-bad"}}]},
                    "scopeSpans":[{"spans":[
                        {"traceId":"%s","spanId":"b7ad6b7169203331","name":"good","kind":3,
                          "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"},
                        {"traceId":"not-hex","spanId":"b7ad6b7169203332","name":"bad","kind":3,
                          "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"}]}]}]}
                """.formatted(goodTrace);

        HttpResponse<String> json = collector.postOtlp("/v1/traces", "application/json", body.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> protobuf = collector.postOtlp("/v1/traces", "application/x-protobuf",
                new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});

        assertEquals(400, json.statusCode(), json::body);
        assertFalse(json.body().isBlank(), "a 400 says what is wrong");
        assertEquals(400, protobuf.statusCode(), protobuf::body);
        assertFalse(protobuf.body().isBlank(), "a 400 says what is wrong");
        assertEquals(404, collector.get("/api/traces/" + goodTrace).statusCode(), "nothing of the rejected request is stored");
    }

    @Test
    void aRestartedCollectorStillHasTheData() throws Exception {
        Path dataDir = workDir.resolve("restart-data");
        String service = "e2e-restart";
        Map<String, Long> countsBefore;
        String traceId;
        try (CollectorProcess first = CollectorProcess.start(dataDir)) {
            int before = upstream.seen().size();
            InstrumentedApp.Result app = runApp(Path.of(System.getProperty("java.home")),
                    InstrumentedApp.exportingTo(first, service),
                    List.of(AppCall.of("jdk", "GET", upstream.httpUrl() + "/users/1"),
                            AppCall.of("urlconnection", "GET", upstream.httpUrl() + "/fail/2")));
            assertEquals(0, app.exitCode(), app::describe);
            var header = TRACEPARENT.matcher(upstream.seen().get(before).traceparent());
            assertTrue(header.matches());
            traceId = header.group(1);
            eventually(() -> first.get("/api/traces/" + traceId).statusCode() == 200 ? true : null, "trace stored");
            countsBefore = eventually(() -> {
                Map<String, Long> counts = callCountsByStatus(first, service);
                return counts.equals(Map.of("200", 1L, "503", 1L)) ? counts : null;
            }, "metrics stored");
            // SIGTERM: the JVM runs the shutdown hooks and exits with 128 + 15.
            assertEquals(143, first.stop(), () -> "clean exit: " + first.output());
        }
        try (CollectorProcess second = CollectorProcess.start(dataDir)) {
            assertEquals(200, second.get("/api/traces/" + traceId).statusCode());
            assertEquals(countsBefore, callCountsByStatus(second, service));
        }
    }

    private List<AppCall> mixedCalls() {
        String http = upstream.httpUrl();
        String https = upstream.httpsUrl();
        return List.of(
                AppCall.of("jdk", "GET", http + "/users/1"),
                AppCall.of("jdk", "GET", http + "/users/2"),
                AppCall.of("jdk", "POST", http + "/users/3"),
                AppCall.of("jdk-async", "GET", http + "/fail/1"), AppCall.of("jdk-async", "GET", http + "/fail/2"),
                AppCall.of("jdk-h2", "GET", https + "/h2/7"), AppCall.of("jdk-h2", "GET", https + "/missing/8"),
                AppCall.of("urlconnection", "GET", http + "/conn/42"),
                AppCall.of("urlconnection", "POST", http + "/conn/43"),
                AppCall.of("urlconnection", "GET", http + "/missing/9"),
                AppCall.of("urlconnection", "GET", http + "/fail/10"),
                AppCall.of("urlconnection", "GET", https + "/tls/5"));
    }

    private static int expectedStatus(String url) {
        String path = url.replaceFirst("^https?://[^/]+", "");
        return path.startsWith("/fail") ? 503 : path.startsWith("/missing") ? 404 : 200;
    }

    private InstrumentedApp.Result runApp(Path javaHome, Map<String, String> environment, List<AppCall> calls)
            throws Exception {
        return InstrumentedApp.run(javaHome, environment, List.of(
                "-Djavax.net.ssl.trustStore=" + certificate.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + TestCertificate.PASSWORD), calls);
    }

    private static Map<String, Long> callCountsByStatus(String service) throws Exception {
        return callCountsByStatus(collector, service);
    }

    private static Map<String, Long> callCountsByStatus(CollectorProcess from, String service) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (PrometheusText.Sample sample : PrometheusText.parse(from.get("/metrics").body())) {
            if (sample.name().equals("http_client_request_duration_seconds_count")
                    && service.equals(sample.labels().get("service_name"))) {
                counts.merge(sample.labels().get("http_response_status_code"), (long) sample.value(), Long::sum);
            }
        }
        return counts;
    }

    private static List<JsonObject> spansOf(String traceId) throws Exception {
        return collector.spans(traceId);
    }

    private static JsonObject spanOf(String traceId, String spanId) throws Exception {
        return spansOf(traceId).stream().filter(span -> spanId.equals(span.get("spanId").getAsString()))
                .findFirst().orElse(null);
    }

    private static String attribute(JsonObject span, String key) {
        return CollectorProcess.attribute(span, key);
    }

    private static <T> T eventually(Callable<T> probe, String what) throws Exception {
        return Eventually.get(probe, what, PATIENCE);
    }
}
