package dev.callsight.e2e;

import static dev.callsight.e2e.support.CollectorProcess.attribute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.app.OkHttpApp;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.AppResult;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.LoopbackServices;
import dev.callsight.e2e.support.PrometheusText;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.UnansweredPort;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OkHttp end to end, once per release under test, each in a JVM that has exactly that release
 * (and its okio, and for 4.x its Kotlin stdlib) on the class path: every physical attempt, the
 * ones OkHttp makes itself included, reaches the upstream with a traceparent of its own and is
 * a span in the services.collector().
 */
@Timeout(300)
// Each library version in a JVM of its own, mostly waiting on their starts: runs in the second lane.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(E2eLanes.SECOND)
class OkHttpAgentTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final String APPLICATION_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String APPLICATION_SPAN = "00f067aa0ba902b7";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final LoopbackServices services = new LoopbackServices();
    @TempDir
    static Path workDir;
    private static FaultyUpstream faults;

    @BeforeAll
    static void startFaultyUpstream() throws IOException {
        faults = new FaultyUpstream();
    }

    @AfterAll
    static void stopFaultyUpstream() throws IOException {
        if (faults != null) {
            faults.close();
        }
    }

    /** The releases the build copied, each named okhttp-version. */
    static Stream<String> releases() {
        List<String> releases = ClientLibraries.releasesOf("okhttp");
        assertEquals(3, releases.size(), "oldest supported, newest 3.x, newest 4.x: " + releases);
        return releases.stream();
    }

    /** Every release on every JDK the agent is tested on. */
    static Stream<Arguments> releasesOnEveryJdk() {
        List<String> releases = releases().toList();
        return Jvm.javaHomes().stream().flatMap(javaHome -> releases.stream().map(release -> Arguments.of(release, javaHome)));
    }

    @ParameterizedTest
    @MethodSource("releasesOnEveryJdk")
    void everyAttemptReachesTheUpstreamWithItsOwnTraceparentAndIsStoredAsASpan(String release, Path javaHome)
            throws Exception {
        String service = "e2e-" + release + "-" + javaHome.getFileName();
        String http = services.upstream().httpUrl();
        String refused = "http://127.0.0.1:" + closedPort() + "/refused/8";
        String applicationTraceparent = "00-" + APPLICATION_TRACE + "-" + APPLICATION_SPAN + "-01";
        int before = services.upstream().seen().size();

        InstrumentedApp.Result app = run(javaHome, release, service, List.of(), List.of(
                AppCall.of("execute", "GET", http + "/users/1"), AppCall.of("execute", "POST", http + "/users/2"),
                AppCall.of("enqueue", "GET", http + "/fail/3"), AppCall.of("enqueue", "GET", http + "/missing/4"),
                AppCall.of("execute", "GET", http + "/redirect/users/5"),
                AppCall.of("execute", "GET", services.upstream().httpsUrl() + "/h2/6"),
                AppCall.of("execute", "GET", http + "/mine/7").withHeader(applicationTraceparent),
                AppCall.of("enqueue", "GET", refused)));

        assertEquals(List.of(200, 200, 503, 404, 200, 200, 200),
                app.results().stream().map(AppResult::status).toList(), app::describe);
        assertEquals(List.of("h2"), app.results().get(5).details(), app::describe);
        assertTrue(app.output().stream().anyMatch(line -> line.startsWith("error|enqueue|GET|" + refused
                + "|java.net.ConnectException")), app::describe);

        List<RecordingServer.SeenRequest> seen = services.upstream().seen().subList(before, services.upstream().seen().size());
        assertEquals(List.of("/users/1", "/users/2", "/fail/3", "/missing/4", "/redirect/users/5", "/users/5", "/h2/6",
                "/mine/7"), seen.stream().map(RecordingServer.SeenRequest::path).toList(), "one request per attempt");
        assertEquals(applicationTraceparent, seen.get(7).traceparent(), "the application's own traceparent is kept");
        Set<String> spanIds = new HashSet<>();
        for (RecordingServer.SeenRequest request : seen.subList(0, 7)) {
            Matcher header = TRACEPARENT.matcher(String.valueOf(request.traceparent()));
            assertTrue(header.matches(), () -> "traceparent on " + request);
            assertTrue(spanIds.add(header.group(2)), () -> "a span of its own for " + request);
            JsonObject span = Eventually.get(() -> services.collector().span(header.group(1), header.group(2)), "span of " + request, PATIENCE);
            assertEquals("CLIENT", span.get("kind").getAsString().replace("SPAN_KIND_", ""), span::toString);
            assertEquals(request.method(), attribute(span, "http.request.method"), span::toString);
            assertTrue(attribute(span, "url.full").endsWith(request.path()), span::toString);
            assertEquals(request.path().equals("/h2/6") ? "2" : "1.1", attribute(span, "network.protocol.version"),
                    span::toString);
        }
        assertEquals("302", attribute(spanOf(seen.get(4)), "http.response.status_code"), "OkHttp's redirect is an attempt");
        JsonObject followed = spanOf(seen.get(5));
        assertEquals("1", attribute(followed, "http.request.resend_count"), followed::toString);
        assertEquals("client", attribute(followed, "callsight.retry.source"), followed::toString);
        assertEquals("redirect", attribute(followed, "callsight.retry.reason"), followed::toString);
        assertEquals("503", attribute(spanOf(seen.get(2)), "error.type"));

        List<JsonObject> applicationSpans = Eventually.get(() -> {
            List<JsonObject> spans = services.collector().spans(APPLICATION_TRACE).stream()
                    .filter(span -> attribute(span, "url.full").startsWith(http + "/mine/7")).toList();
            return spans.isEmpty() ? null : spans;
        }, "the span that continues the application's trace", PATIENCE);
        assertEquals(APPLICATION_SPAN, applicationSpans.get(0).get("parentSpanId").getAsString());

        JsonObject refusedSpan = Eventually.get(() -> spanWithUrl(service, refused), "span of the refused connection", PATIENCE);
        assertEquals("java.net.ConnectException", attribute(refusedSpan, "error.type"), refusedSpan::toString);
        assertFalse(refusedSpan.getAsJsonObject("attributes").has("http.response.status_code"), refusedSpan::toString);
    }

    @ParameterizedTest
    @MethodSource("releases")
    void policiesRetryTimeOutAndRejectOkHttpCallsAgainstAFaultyUpstream(String release) throws Exception {
        String at = "/" + release.replace('.', '-');
        String refused = "http://127.0.0.1:" + closedPort() + "/refused" + at;
        try (UnansweredPort unanswered = new UnansweredPort()) {
            policiesRetryTimeOutAndReject(release, at, refused, "http://127.0.0.1:" + unanswered.port() + "/never" + at);
        }
    }

    private void policiesRetryTimeOutAndReject(String release, String at, String refused, String unanswered)
            throws Exception {
        Path policy = workDir.resolve(release + ".yaml");
        Files.writeString(policy, String.join("\n",
                "policies:",
                "  - match: { host: 127.0.0.1, path: \"/never/**\" }",
                "    timeouts: { connect: 400ms }",
                "  - match: { host: 127.0.0.1, path: \"/fail-then-ok/**\" }",
                "    retry: { maxAttempts: 3, initialBackoff: 20ms, on: [503] }",
                "  - match: { host: 127.0.0.1, path: \"/retry-after/**\" }",
                "    retry: { maxAttempts: 2, initialBackoff: 1ms, on: [503] }",
                "  - match: { host: 127.0.0.1, path: \"/hang/**\" }",
                "    timeouts: { deadline: 1s }",
                "  - match: { host: 127.0.0.1, path: \"/trickle/**\" }",
                "    timeouts: { read: 300ms }",
                "  - match: { host: 127.0.0.1, path: \"/refused/**\" }",
                "    retry: { maxAttempts: 3, initialBackoff: 10ms, on: [connect_error] }",
                "  - match: { host: 127.0.0.1, path: \"/ok/shorter/**\" }",
                "    timeouts: { connect: 500ms, read: 2s }",
                "  - match: { host: 127.0.0.1, path: \"/ok/longer/**\" }",
                "    timeouts: { connect: 30s, read: 60s }",
                "  - match: { host: 127.0.0.1, path: \"/status/500/**\" }",
                "    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 4, window: 30s, openFor: 30s, halfOpenCalls: 1 }",
                ""));
        List<AppCall> calls = new ArrayList<>(List.of(
                fault("execute", "GET", "/fail-then-ok/2" + at + "/execute"),
                fault("enqueue", "GET", "/fail-then-ok/2" + at + "/enqueue"),
                fault("execute", "POST", "/fail-then-ok/1" + at + "/post"),
                fault("execute", "GET", "/retry-after/1" + at),
                fault("execute", "GET", "/hang" + at),
                fault("enqueue", "GET", "/hang" + at + "/enqueue"),
                fault("execute", "GET", "/hang" + at + "/shorter").withTimeout(300),
                fault("execute", "GET", "/trickle/1000" + at),
                AppCall.of("execute", "GET", refused),
                fault("execute", "GET", "/reset" + at),
                AppCall.of("execute", "GET", unanswered),
                fault("execute", "GET", "/ok/shorter" + at), fault("enqueue", "GET", "/ok/longer" + at)));
        for (int i = 0; i < 4; i++) {
            calls.add(fault("execute", "GET", "/status/500" + at));
        }
        calls.addAll(List.of(fault("execute", "GET", "/status/500" + at), fault("enqueue", "GET", "/status/500" + at),
                fault("execute", "GET", "/status/500" + at)));

        InstrumentedApp.Result app = run(Path.of(System.getProperty("java.home")), release, "e2e-faults-" + release,
                List.of("-Dcallsight.config=" + policy), calls);

        assertEquals(List.of(200, 200, 503, 200, 200, 200, 500, 500, 500, 500),
                app.results().stream().map(AppResult::status).toList(), app::describe);
        assertTrue(app.results().get(3).millis() >= 1000, "Retry-After: 1 is waited for: " + app.describe());
        assertTrue(app.output().contains("timeouts|" + faults.uri("/ok/shorter" + at) + "|500|2000"),
                "the policy's shorter connect and read timeouts reach OkHttp: " + app.describe());
        assertTrue(app.output().contains("timeouts|" + faults.uri("/ok/longer" + at) + "|5000|10000"),
                "the application's shorter ones are kept: " + app.describe());
        assertEquals(3, faults.requests("/fail-then-ok/2" + at + "/execute").size());
        assertEquals(3, faults.requests("/fail-then-ok/2" + at + "/enqueue").size());
        assertEquals(1, faults.requests("/fail-then-ok/1" + at + "/post").size(), "a POST without Idempotency-Key is not retried");
        assertEquals(2, faults.requests("/retry-after/1" + at).size());
        for (String path : List.of("/fail-then-ok/2" + at + "/execute", "/fail-then-ok/2" + at + "/enqueue")) {
            List<JsonObject> attempts = attemptSpans(path);
            assertEquals(List.of("503", "503", "200"),
                    attempts.stream().map(span -> attribute(span, "http.response.status_code")).toList());
            assertEquals(Arrays.asList(null, "1", "2"),
                    attempts.stream().map(span -> attribute(span, "http.request.resend_count")).toList());
            for (JsonObject retry : attempts.subList(1, 3)) {
                assertEquals("agent", attribute(retry, "callsight.retry.source"), retry::toString);
                assertEquals("503", attribute(retry, "callsight.retry.reason"), retry::toString);
            }
        }

        List<String> errors = app.errors();
        assertEquals(10, errors.size(), app::describe);
        for (int i = 0; i < 2; i++) {
            assertTrue(errors.get(i).contains("java.io.InterruptedIOException: timeout"), errors.get(i));
            assertTrue(Math.abs(errorMillis(errors.get(i)) - 1000) <= 100, "ended at the 1 s deadline: " + errors.get(i));
            JsonObject hung = attemptSpans(i == 0 ? "/hang" + at : "/hang" + at + "/enqueue").get(0);
            assertEquals("java.io.InterruptedIOException", attribute(hung, "error.type"), hung::toString);
            assertEquals("deadline", attribute(hung, "callsight.timeout.kind"), hung::toString);
        }
        assertTrue(errors.get(2).contains("java.io.InterruptedIOException: timeout"), errors.get(2));
        assertTrue(Math.abs(errorMillis(errors.get(2)) - 300) <= 50, "the application's shorter timeout is kept: " + errors.get(2));

        assertTrue(errors.get(3).contains("java.net.SocketTimeoutException"), errors.get(3));
        assertTrue(Math.abs(errorMillis(errors.get(3)) - 300) <= 100, "the first gap over 300 ms ends it: " + errors.get(3));
        JsonObject trickled = attemptSpans("/trickle/1000" + at).get(0);
        assertEquals("java.net.SocketTimeoutException", attribute(trickled, "error.type"), trickled::toString);
        assertEquals("read", attribute(trickled, "callsight.timeout.kind"), trickled::toString);
        assertEquals("200", attribute(trickled, "http.response.status_code"), trickled::toString);

        assertTrue(errors.get(4).contains("java.net.ConnectException"), errors.get(4));
        List<JsonObject> refusals = Eventually.get(() -> {
            List<JsonObject> found = spansWithUrl("e2e-faults-" + release, refused);
            return found.size() == 3 ? found : null;
        }, "three attempts at the refused port", PATIENCE);
        assertEquals(Set.of("java.net.ConnectException"),
                refusals.stream().map(span -> attribute(span, "error.type")).collect(Collectors.toSet()));
        assertEquals(2, refusals.stream().filter(span -> "connect_error".equals(attribute(span, "callsight.retry.reason"))
                && "agent".equals(attribute(span, "callsight.retry.source"))).count(), refusals::toString);

        assertEquals(1, faults.requests("/reset" + at).size(), "the body fails after OkHttp handed the response over");
        JsonObject reset = attemptSpans("/reset" + at).get(0);
        assertTrue(attribute(reset, "error.type").startsWith("java."), reset::toString);

        assertEquals(4, faults.requests("/status/500" + at).size(), "rejected calls never reach the upstream");
        assertTrue(errors.get(6).contains("java.net.SocketTimeoutException"), errors.get(6));
        assertTrue(Math.abs(errorMillis(errors.get(6)) - 400) <= 100, "ended at the 400 ms connect timeout: " + errors.get(6));
        JsonObject unansweredSpan = Eventually.get(() -> spanWithUrl("e2e-faults-" + release, unanswered),
                "span of the unanswered connect", PATIENCE);
        assertEquals("connect", attribute(unansweredSpan, "callsight.timeout.kind"), unansweredSpan::toString);

        for (String rejected : errors.subList(7, 10)) {
            assertTrue(rejected.contains("dev.callsight.agent.bootstrap.CallRejectedException: circuit open"), rejected);
        }

        // Two calls hung to the policy's deadline and one to the application's shorter call timeout.
        Map<String, Long> expected = Map.of("timeouts|deadline", 3L, "timeouts|read", 1L, "timeouts|connect", 1L, "retries|503|agent", 5L,
                "retries|connect_error|agent", 2L, "rejections|circuit_open", 3L);
        Eventually.get(() -> callEvents("e2e-faults-" + release).entrySet().containsAll(expected.entrySet())
                ? true : null, "/metrics counts " + expected, PATIENCE);
    }

    @Test
    void theAgentJarCarriesNoOkHttpOkioOrKotlinClasses() throws Exception {
        try (ZipFile jar = new ZipFile(Jvm.agentJar().toFile())) {
            List<String> bundled = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.matches("(.*/)?(okhttp3|okio|kotlin)/.*")).limit(5).toList();
            assertEquals(List.of(), bundled);
        }
    }

    private InstrumentedApp.Result run(Path javaHome, String release, String service, List<String> options,
            List<AppCall> calls) throws Exception {
        List<Path> libraries = ClientLibraries.jarsOf(release);
        return InstrumentedApp.run(javaHome, InstrumentedApp.exportingTo(services.collector(), service),
                Stream.concat(services.trustOptions().stream(), options.stream()).toList(),
                libraries, OkHttpApp.class, AppCall.arguments(calls));
    }

    private static JsonObject spanOf(RecordingServer.SeenRequest request) throws Exception {
        Matcher header = TRACEPARENT.matcher(request.traceparent());
        assertTrue(header.matches(), request::toString);
        return services.collector().span(header.group(1), header.group(2));
    }

    private static JsonObject spanWithUrl(String service, String url) throws Exception {
        List<JsonObject> spans = spansWithUrl(service, url);
        return spans.isEmpty() ? null : spans.get(0);
    }

    private static List<JsonObject> spansWithUrl(String service, String url) throws Exception {
        List<JsonObject> found = new ArrayList<>();
        for (String traceId : services.collector().traceIds(service, 100)) {
            for (JsonObject span : services.collector().spans(traceId)) {
                if (url.equals(attribute(span, "url.full"))) {
                    found.add(span);
                }
            }
        }
        return found;
    }

    /** The spans of every attempt the faulty upstream saw for a path, in the order it saw them. */
    private static List<JsonObject> attemptSpans(String path) throws Exception {
        List<JsonObject> spans = new ArrayList<>();
        for (FaultyUpstream.Seen request : faults.requests(path)) {
            Matcher header = TRACEPARENT.matcher(String.valueOf(request.traceparent()));
            assertTrue(header.matches(), () -> "traceparent on " + request);
            spans.add(Eventually.get(() -> services.collector().span(header.group(1), header.group(2)),
                    "span of " + request, PATIENCE));
        }
        return spans;
    }

    /** The agent's retry, timeout and rejection counters on the collector's /metrics, for one service. */
    private static Map<String, Long> callEvents(String service) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (PrometheusText.Sample sample : PrometheusText.parse(services.collector().get("/metrics").body())) {
            Map<String, String> labels = sample.labels();
            if (!service.equals(labels.get("service_name")) || !sample.name().startsWith("callsight_http_client_")) {
                continue;
            }
            String key = switch (sample.name()) {
                case "callsight_http_client_retries_total" -> "retries|" + labels.get("reason") + "|" + labels.get("source");
                case "callsight_http_client_timeouts_total" -> "timeouts|" + labels.get("kind");
                case "callsight_http_client_rejections_total" -> "rejections|" + labels.get("reason");
                default -> null;
            };
            if (key != null) {
                counts.merge(key, (long) sample.value(), Long::sum);
            }
        }
        return counts;
    }

    private static AppCall fault(String mode, String method, String path) {
        return AppCall.of(mode, method, faults.uri(path));
    }

    private static long errorMillis(String errorLine) {
        return Long.parseLong(errorLine.substring(errorLine.lastIndexOf('|') + 1));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
