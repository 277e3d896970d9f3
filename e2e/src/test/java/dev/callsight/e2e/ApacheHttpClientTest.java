package dev.callsight.e2e;

import static dev.callsight.e2e.support.CollectorProcess.attribute;
import static dev.callsight.e2e.support.CollectorSpans.awaitSpan;
import static dev.callsight.e2e.support.CollectorSpans.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.support.ApacheLibraries.Library;
import dev.callsight.e2e.support.ApacheLibraries;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.AppResult;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.CollectorSpans;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache HttpClient 4.5 and 5 (classic and async) end to end: an application JVM with the agent
 * and exactly one release of the library (the oldest the agent claims and the newest), calling
 * real local upstreams, its spans read back from a real collector. Every request on the wire,
 * including the library's own retries and redirects, is an attempt with its own span and
 * traceparent. Against real faults (the shared {@link FaultyUpstream}), with a policy file and the
 * library's own retries turned off so every retry is the agent's: what the upstream saw, what the
 * application got and when, and the spans the collector stored.
 */
@Timeout(600)
// Each library version in a JVM of its own, mostly waiting on their starts: runs in the second lane.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(E2eLanes.SECOND)
class ApacheHttpClientTest {

    /** One deadline for the calls that must end at it; the issue allows 10 % or 50 ms. */
    private static final long DEADLINE_MILLIS = 1000;
    private static final long TOLERANCE_MILLIS = Math.max(DEADLINE_MILLIS / 10, 50);

    @TempDir
    static Path workDir;

    private static RecordingServer upstream;
    private static FaultyUpstream faulty;
    private static CollectorProcess collector;
    private static int closedPort;
    /** Gives every call of every run its own path, so each finds its own requests upstream. */
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingServer(TestCertificate.create(workDir).serverContext());
        faulty = new FaultyUpstream();
        collector = CollectorProcess.start(workDir.resolve("collector-data"));
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (faulty != null) {
            faulty.close();
        }
    }

    static Stream<Arguments> libraries() {
        return ApacheLibraries.all();
    }

    static Stream<Arguments> librariesOnEveryJdk() {
        return ApacheLibraries.onEveryJdk();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("librariesOnEveryJdk")
    void everyRequestOnTheWireIsASpanWithItsOwnTraceparent(Library library, Path javaHome) throws Exception {
        for (String client : library.clients()) {
            int id = NEXT_ID.addAndGet(10);
            String base = upstream.httpUrl();
            List<AppCall> calls = List.of(
                    AppCall.of(client, "GET", base + "/users/" + id),
                    AppCall.of(client, "POST", base + "/users/" + (id + 1)),
                    AppCall.of(client, "GET", base + "/missing/" + (id + 2)),
                    AppCall.of(client, "GET", base + "/fail/" + (id + 3)),
                    AppCall.of(client, "GET", base + "/redirect/users/" + (id + 4)));

            InstrumentedApp.Result app = library.run(javaHome, InstrumentedApp.exportingTo(collector,
                    "apache-" + client + "-" + library.release() + "-" + javaHome.getFileName()), List.of(), calls);

            assertEquals(List.of(200, 200, 404, 503, 200),
                    app.results().stream().map(AppResult::status).collect(Collectors.toList()), app::describe);
            // The 503 is retried once by the library's own strategy; the redirect is followed.
            Map<String, Integer> expectedStatusByPath = Map.of(
                    "/users/" + id, 200, "/users/" + (id + 1), 200, "/missing/" + (id + 2), 404,
                    "/fail/" + (id + 3), 503, "/redirect/users/" + (id + 4), 302, "/users/" + (id + 4), 200);
            List<RecordingServer.SeenRequest> seen = seenFor(expectedStatusByPath.keySet());
            assertEquals(7, seen.size(), () -> client + " requests on the wire: " + seen);
            assertEquals(2, seen.stream().filter(r -> r.path().equals("/fail/" + (id + 3))).count(), seen::toString);
            Set<String> traceparents = new HashSet<>();
            Set<String> resent = new HashSet<>();
            for (RecordingServer.SeenRequest request : seen) {
                assertTrue(traceparents.add(request.traceparent()), () -> "a traceparent of its own: " + seen);
                JsonObject span = awaitSpan(collector, request.traceparent());
                assertEquals("CLIENT", span.get("kind").getAsString(), span::toString);
                assertEquals(request.method(), attribute(span, "http.request.method"), span::toString);
                assertEquals(base + request.path(), attribute(span, "url.full"), span::toString);
                assertEquals(expectedStatusByPath.get(request.path()).toString(),
                        attribute(span, "http.response.status_code"), span::toString);
                if (attribute(span, "http.request.resend_count") != null) {
                    // The library's own retry and redirect, each the second attempt of its call.
                    assertEquals("1", attribute(span, "http.request.resend_count"), span::toString);
                    assertEquals("client", attribute(span, "callsight.retry.source"), span::toString);
                    resent.add(request.path() + " " + attribute(span, "callsight.retry.reason"));
                }
            }
            assertEquals(Set.of("/fail/" + (id + 3) + " 503", "/users/" + (id + 4) + " redirect"), resent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aTraceparentTheApplicationSetIsKeptOnEveryAttempt(Library library) throws Exception {
        for (String client : library.clients()) {
            String traceId = String.format("%032x", 0xA9AC4E000L + NEXT_ID.incrementAndGet());
            String applicationSpan = "00f067aa0ba902b7";
            String traceparent = "00-" + traceId + "-" + applicationSpan + "-01";
            String path = "/fail/" + NEXT_ID.addAndGet(10);

            InstrumentedApp.Result app = run(library, "apache-own-" + client + "-" + library.release(),
                    List.of(AppCall.of(client, "GET", upstream.httpUrl() + path).withHeader(traceparent)));

            assertEquals(1, app.results().size(), app::describe);
            List<RecordingServer.SeenRequest> seen = seenFor(Set.of(path));
            assertEquals(List.of(traceparent, traceparent),
                    seen.stream().map(RecordingServer.SeenRequest::traceparent).collect(Collectors.toList()));
            // Both answered attempts are in the application's trace; an attempt the library retried
            // before it reached the upstream (a stale pooled connection) would be a span there too.
            List<JsonObject> spans;
            try {
                spans = eventually(() -> {
                    List<JsonObject> found = collector.spans(traceId);
                    return found.stream().filter(span -> "503".equals(attribute(span, "http.response.status_code"))).count() == 2
                            ? found : null;
                }, "both answered attempts in the application's trace " + traceId);
            } catch (AssertionError missing) {
                throw new AssertionError(missing.getMessage() + ", stored: " + collector.spans(traceId) + "\n"
                        + app.describe(), missing);
            }
            for (JsonObject span : spans) {
                assertEquals(applicationSpan, span.get("parentSpanId").getAsString(), span::toString);
            }
            assertEquals(spans.size(), spans.stream().map(span -> span.get("spanId").getAsString()).distinct().count(),
                    spans::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aRefusedConnectionIsASpanWithTheLibrarysError(Library library) throws Exception {
        for (String client : library.clients()) {
            String service = "apache-refused-" + client + "-" + library.release();

            InstrumentedApp.Result app = run(library, service,
                    List.of(AppCall.of(client, "GET", "http://127.0.0.1:" + closedPort + "/users/1")));

            assertEquals(1, app.exitCode(), app::describe);
            String thrown = app.output().stream().filter(line -> line.startsWith("error|"))
                    .map(line -> line.split("\\|")[4]).findFirst().orElseThrow(() -> new AssertionError(app.describe()));
            List<JsonObject> spans = eventually(() -> {
                List<JsonObject> found = CollectorSpans.spansOfService(collector, service);
                return found.isEmpty() ? null : found;
            }, "the refused call's span");
            // No retry handler of the library retries a refused connection.
            assertEquals(1, spans.size(), spans::toString);
            JsonObject span = spans.get(0);
            assertEquals(thrown, attribute(span, "error.type"), span::toString);
            assertEquals("ERROR", span.getAsJsonObject("status").get("code").getAsString(), span::toString);
        }
    }

    private static InstrumentedApp.Result run(Library library, String service, List<AppCall> calls) throws Exception {
        return library.run(InstrumentedApp.exportingTo(collector, service), List.of(), calls);
    }

    private static List<RecordingServer.SeenRequest> seenFor(Set<String> paths) {
        return upstream.seen().stream().filter(request -> paths.contains(request.path())).collect(Collectors.toList());
    }


    /**
     * The policies: a silent upstream ends at the deadline, a body whose bytes come slower than
     * the read timeout at the read timeout, a steady trickle at the deadline; an upstream that
     * always answers 500 opens a circuit per client; everything else is retried on 503, connect
     * errors and I/O errors.
     */
    private static Path policyFile(Library library) throws Exception {
        StringBuilder yaml = new StringBuilder("policies:\n");
        yaml.append("  - match: { host: \"127.0.0.1\", path: \"/hang/**\" }\n")
                .append("    timeouts: { read: 10s, deadline: ").append(DEADLINE_MILLIS).append("ms }\n");
        yaml.append("  - match: { host: \"127.0.0.1\", path: \"/trickle/3000/**\" }\n")
                .append("    timeouts: { read: 500ms, deadline: 20s }\n");
        yaml.append("  - match: { host: \"127.0.0.1\", path: \"/trickle/100/**\" }\n")
                .append("    timeouts: { read: 2s, deadline: ").append(DEADLINE_MILLIS).append("ms }\n");
        for (String client : library.clients()) {
            yaml.append("  - match: { host: \"127.0.0.1\", path: \"/status/500/").append(client).append("/**\" }\n")
                    .append("    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 2, window: 30s, openFor: 30s, halfOpenCalls: 1 }\n");
        }
        yaml.append("  - match: { host: \"127.0.0.1\" }\n")
                .append("    timeouts: { connect: 2s, read: 5s, deadline: 10s }\n")
                .append("    retry: { maxAttempts: 3, initialBackoff: 20ms, multiplier: 2, maxBackoff: 200ms, jitter: full,\n")
                .append("             on: [connect_error, io_error, 503] }\n");
        Path file = workDir.resolve("policies-" + library.release() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void faultsAreBoundedRetriedAndRecorded(Library library) throws Exception {
        String service = "apache-faults-" + library.release();
        String refused = "http://127.0.0.1:" + closedPort;
        List<AppCall> calls = new ArrayList<>();
        for (String client : library.clients()) {
            String id = library.release() + "-" + client;
            String broken = "/status/500/" + client + "/" + library.release();
            calls.addAll(List.of(
                    AppCall.of(client, "GET", url("/fail-then-ok/1/" + id)),
                    AppCall.of(client, "GET", url("/retry-after/1/" + id)),
                    AppCall.of(client, "GET", url("/hang/" + id)),
                    AppCall.of(client, "GET", url("/trickle/3000/" + id)),
                    AppCall.of(client, "GET", url("/trickle/100/" + id)),
                    AppCall.of(client, "GET", url("/reset/" + id)),
                    AppCall.of(client, "GET", refused + "/refused/" + id),
                    AppCall.of(client, "GET", url(broken + "-1")),
                    AppCall.of(client, "GET", url(broken + "-2")),
                    AppCall.of(client, "GET", url(broken + "-3"))));
        }

        InstrumentedApp.Result app = library.run(InstrumentedApp.exportingTo(collector, service),
                List.of("-Dcallsight.config=" + policyFile(library), "-Dapp.libraryRetries=false"), calls);

        Map<String, String[]> outcomes = new HashMap<>();
        app.output().stream().filter(line -> line.startsWith("result|") || line.startsWith("error|"))
                .map(line -> line.split("\\|")).forEach(line -> outcomes.put(line[1] + " " + line[3], line));
        assertEquals(calls.size(), outcomes.size(), app::describe);
        List<JsonObject> spans;
        try {
            spans = eventually(() -> {
                List<JsonObject> found = CollectorSpans.spansOfService(collector, service);
                return found.size() >= expectedSpans(library) ? found : null;
            }, expectedSpans(library) + " spans of " + service);
        } catch (AssertionError missing) {
            throw new AssertionError(missing.getMessage() + "; stored:\n"
                    + describe(CollectorSpans.spansOfService(collector, service)) + "\n" + app.describe(), missing);
        }
        assertEquals(expectedSpans(library), spans.size(), () -> describe(spans));

        for (String client : library.clients()) {
            String id = library.release() + "-" + client;
            boolean async = client.endsWith("-async");
            // 503, then 200 on the agent's retry.
            assertAnswered(outcomes, client, url("/fail-then-ok/1/" + id), 200, app);
            assertAttempts("/fail-then-ok/1/" + id, List.of("0 null", "1 agent 503"));
            // Retry-After: 1 is waited out before the retry.
            String[] afterRetryAfter = assertAnswered(outcomes, client, url("/retry-after/1/" + id), 200, app);
            assertTrue(Long.parseLong(afterRetryAfter[5]) >= 1000, () -> "Retry-After: 1 honoured: " + String.join("|", afterRetryAfter));
            assertAttempts("/retry-after/1/" + id, List.of("0 null", "1 agent 503"));
            // Accept and hang: ends at the deadline with the library's timeout exception.
            assertEndsAtDeadline(assertFailed(outcomes, client, url("/hang/" + id), "java.net.SocketTimeoutException", app));
            assertTimeout("/hang/" + id, "deadline");
            // Body bytes 3 s apart against a 500 ms read timeout.
            assertFailed(outcomes, client, url("/trickle/3000/" + id), "java.net.SocketTimeoutException", app);
            assertTimeout("/trickle/3000/" + id, "read");
            // A byte every 100 ms never trips the read timeout; the deadline stops it.
            assertEndsAtDeadline(assertFailed(outcomes, client, url("/trickle/100/" + id), "java.net.SocketTimeoutException", app));
            assertTimeout("/trickle/100/" + id, "deadline");
            // Reset mid-body: the async client reads the body before it completes, so the agent
            // retries it (three attempts, all reset); a classic client has already handed the
            // response to the application, which sees the reset while reading.
            String[] reset = outcomes.get(client + " " + url("/reset/" + id));
            assertEquals("error", reset[0], () -> String.join("|", reset));
            assertAttempts("/reset/" + id, async
                    ? List.of("0 null", "1 agent io_error", "2 agent io_error") : List.of("0 null"));
            // Connection refused: three attempts, all recorded, none reached the upstream.
            String[] refusedCall = outcomes.get(client + " " + refused + "/refused/" + id);
            assertEquals("error", refusedCall[0], () -> String.join("|", refusedCall));
            List<JsonObject> refusedSpans = spansWithUrl(spans, refused + "/refused/" + id);
            assertEquals(List.of("0 null", "1 agent connect_error", "2 agent connect_error"), attemptsOf(refusedSpans),
                    refusedSpans::toString);
            for (JsonObject span : refusedSpans) {
                assertEquals(refusedCall[4], attribute(span, "error.type"), span::toString);
            }
            // Two 500s open the circuit: the third call is refused without reaching the upstream.
            String broken = "/status/500/" + client + "/" + library.release();
            assertAttempts(broken + "-1", List.of("0 null"));
            assertAttempts(broken + "-2", List.of("0 null"));
            assertFailed(outcomes, client, url(broken + "-3"), "dev.callsight.agent.bootstrap.CallRejectedException", app);
            assertEquals(0, faulty.requests(broken + "-3").size());
            List<JsonObject> rejected = spansWithUrl(spans, url(broken + "-3"));
            assertEquals(1, rejected.size(), rejected::toString);
            assertEquals("circuit_open", attribute(rejected.get(0), "error.type"), rejected::toString);
        }
        // The counters reach /metrics: per client two deadlines (hang, steady trickle) and one read timeout,
        // and the agent's retries (503, Retry-After's 503, two refused connects, the async client's two resets).
        int clients = library.clients().size();
        int asyncClients = (int) library.clients().stream().filter(client -> client.endsWith("-async")).count();
        awaitTotal("callsight_http_client_timeouts_total", service, Map.of("kind", "deadline", "mode", "enforce"), 2 * clients);
        awaitTotal("callsight_http_client_timeouts_total", service, Map.of("kind", "read", "mode", "enforce"), clients);
        awaitTotal("callsight_http_client_retries_total", service, Map.of("source", "agent"), 4 * clients + 2 * asyncClients);
        awaitTotal("callsight_http_client_rejections_total", service, Map.of("reason", "circuit_open"), clients);
    }

    private static void awaitTotal(String metric, String service, Map<String, String> labels, double expected)
            throws Exception {
        double[] last = new double[1];
        try {
            eventually(() -> (last[0] = collector.total(metric, service, labels)) == expected ? true : null,
                    metric + labels + " = " + expected + " for " + service);
        } catch (AssertionError differs) {
            throw new AssertionError(differs.getMessage() + ", last seen " + last[0], differs);
        }
    }

    /** Every attempt is a span: 2 + 2 + 1 + 1 + 1 + reset (3 async, 1 classic) + 3 + 3 per client. */
    private static int expectedSpans(Library library) {
        return library.clients().stream().mapToInt(client -> client.endsWith("-async") ? 16 : 14).sum();
    }

    private static String url(String path) {
        return faulty.uri(path).toString();
    }

    private static void assertEndsAtDeadline(String[] outcome) {
        long millis = Long.parseLong(outcome[5]);
        assertTrue(Math.abs(millis - DEADLINE_MILLIS) <= TOLERANCE_MILLIS,
                () -> "ended at the deadline of " + DEADLINE_MILLIS + " ms: " + String.join("|", outcome));
    }

    private static String[] assertAnswered(Map<String, String[]> outcomes, String client, String url, int status,
            InstrumentedApp.Result app) {
        String[] outcome = outcomes.get(client + " " + url);
        assertEquals("result", outcome[0], () -> String.join("|", outcome) + "\n" + app.describe());
        assertEquals(Integer.toString(status), outcome[4], () -> String.join("|", outcome));
        return outcome;
    }

    private static String[] assertFailed(Map<String, String[]> outcomes, String client, String url, String exception,
            InstrumentedApp.Result app) {
        String[] outcome = outcomes.get(client + " " + url);
        assertEquals("error", outcome[0], () -> String.join("|", outcome) + "\n" + app.describe());
        assertEquals(exception, outcome[4], () -> String.join("|", outcome));
        return outcome;
    }

    /** The upstream saw these attempts, each with its own traceparent naming a span as described. */
    private static void assertAttempts(String path, List<String> expected) throws Exception {
        List<JsonObject> spans = new ArrayList<>();
        for (FaultyUpstream.Seen request : faulty.requests(path)) {
            spans.add(awaitSpan(collector, request.traceparent()));
        }
        assertEquals(expected, attemptsOf(spans), () -> path + ": " + spans);
    }

    /** The one attempt of the path timed out, of the given kind, with the library's exception. */
    private static void assertTimeout(String path, String kind) throws Exception {
        List<FaultyUpstream.Seen> seen = faulty.requests(path);
        assertEquals(1, seen.size(), seen::toString);
        JsonObject span = awaitSpan(collector, seen.get(0).traceparent());
        assertEquals("java.net.SocketTimeoutException", attribute(span, "error.type"), span::toString);
        assertEquals(kind, attribute(span, "callsight.timeout.kind"), span::toString);
    }

    /** Each span as "resend source reason", in resend order. */
    private static List<String> attemptsOf(List<JsonObject> spans) {
        return spans.stream()
                .map(span -> (attribute(span, "http.request.resend_count") == null ? "0" : attribute(span, "http.request.resend_count"))
                        + " " + attribute(span, "callsight.retry.source")
                        + (attribute(span, "callsight.retry.reason") == null ? "" : " " + attribute(span, "callsight.retry.reason")))
                .sorted(Comparator.naturalOrder()).collect(Collectors.toList());
    }

    private static String describe(List<JsonObject> spans) {
        return spans.stream().map(span -> attribute(span, "url.full") + " " + attemptsOf(List.of(span)))
                .sorted().collect(Collectors.joining("\n"));
    }

    private static List<JsonObject> spansWithUrl(List<JsonObject> spans, String url) {
        return spans.stream().filter(span -> url.equals(attribute(span, "url.full"))).collect(Collectors.toList());
    }
}
