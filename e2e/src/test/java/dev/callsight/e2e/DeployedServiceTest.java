package dev.callsight.e2e;

import static dev.callsight.e2e.support.CollectorProcess.attribute;
import static dev.callsight.e2e.support.CollectorSpans.TRACEPARENT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.CollectorSpans;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent in a service deployed as users deploy one, where the client libraries and the servlet API load through
 * class loaders of the deployment's own (a Spring Boot executable jar, WARs in a standalone container), with every
 * client library the agent instruments: {@code GET /orders/{orderId}/items?via=LIBRARY&target=URL} (e2e/apps) calls
 * the target through that library. One server JVM per class serves every case; the subclasses say how it starts.
 * <ul>
 *   <li>Every inbound request is one SERVER span with the framework's route that continues the caller's traceparent;
 *       its outbound call is the CLIENT child, carries the trace on to the upstream, and counts exactly once on the
 *       collector's /metrics.
 *   <li>A policy's 1 s deadline ends a call to an upstream that never answers in every library, well before the
 *       application's own 60 s timeouts.
 *   <li>A retry policy resends a call that got 503, and every attempt is a span.
 *   <li>The server's request count is exact and nothing the agent did ends in a LinkageError.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
abstract class DeployedServiceTest {

    /** Every client library the applications call through, as their {@code via} parameter names it. */
    static final List<String> LIBRARIES = List.of("apache4", "apache5", "okhttp", "jdk", "urlconnection");
    private static final int CALLS = 3;
    private static final int ATTEMPTS = 3;
    /** For spans and metrics, which the agent exports every 200 and 500 ms here. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    /** For the server's answer: twice what a hung call may take, a sixth of the applications' own timeout. */
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final long DEADLINE_MILLIS = 1000;
    /** Well before the applications' own 60 s timeouts, and room for ten calls ending at once on two cores. */
    private static final long WELL_BEFORE_MILLIS = 5000;
    /** What a line of output says when instrumented code failed to link. */
    static final Pattern LINKAGE = Pattern.compile(
            "LinkageError|NoSuchMethodError|NoSuchFieldError|NoClassDefFoundError|IncompatibleClassChangeError"
                    + "|AbstractMethodError|VerifyError|ClassCastException");

    /**
     * A web application of the server under test.
     *
     * @param contextPath where it is deployed, "" for the root
     * @param route the {@code http.route} its orders requests must get
     */
    record WebApp(String name, String contextPath, String route) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * shop-a.war and shop-b.war as a standalone server deploys them, under their file names. The orders servlet's
     * mapping is the wildcard {@code /orders/*}, so the route is the path's template, context path included.
     */
    static final List<WebApp> WARS = List.of(new WebApp("shop-a", "/shop-a", "/shop-a/orders/{id}/items"),
            new WebApp("shop-b", "/shop-b", "/shop-b/orders/{id}/items"));

    private CollectorProcess collector;
    private RecordingServer upstream;
    private FaultyUpstream faults;
    private InstrumentedServer server;
    private final Map<String, AtomicInteger> sentPerApp = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String service;
    private final List<WebApp> webApps;

    /**
     * @param service the service name the server exports under
     * @param webApps the web applications the server runs, each with every library
     */
    DeployedServiceTest(String service, List<WebApp> webApps) {
        this.service = service;
        this.webApps = webApps;
    }

    /** Starts the server with the agent, this environment (exporting to the collector) and these JVM options. */
    abstract InstrumentedServer startServer(Path workDir, Map<String, String> environment, List<String> jvmOptions)
            throws Exception;

    @BeforeAll
    void start(@TempDir Path workDir) throws Exception {
        upstream = new RecordingServer(TestCertificate.create(workDir).serverContext());
        faults = new FaultyUpstream();
        collector = CollectorProcess.start(workDir.resolve("collector-data"));
        Path policies = workDir.resolve("policies.yaml");
        Files.writeString(policies, String.join("\n",
                "policies:",
                "  - match: { host: 127.0.0.1, path: \"/hang/**\" }",
                "    timeouts: { deadline: 1s }",
                "  - match: { host: 127.0.0.1, path: \"/fail-then-ok/**\" }",
                "    retry: { maxAttempts: " + ATTEMPTS + ", initialBackoff: 20ms, on: [503] }",
                ""));
        server = startServer(workDir, InstrumentedApp.exportingTo(collector, service),
                List.of("-Dcallsight.config=" + policies));
    }

    @AfterAll
    void stop() throws Exception {
        // The hung upstream goes first, so that no call still waiting on it holds up the server's shutdown.
        try (AutoCloseable c = collector; AutoCloseable u = upstream; AutoCloseable s = server; AutoCloseable f = faults) {
            // Closed in reverse order: faults, server (its agent flushes to the collector), upstream, collector.
        }
    }

    Stream<Arguments> appsAndLibraries() {
        return webApps.stream().flatMap(app -> LIBRARIES.stream().map(library -> Arguments.of(app, library)));
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("appsAndLibraries")
    @Order(1)
    void everyRequestIsAServerSpanWithTheRouteAndItsCallIsTheChildThatCarriesTheTrace(WebApp app, String library)
            throws Exception {
        String upstreamPath = "/items/" + app.name() + "/" + library;
        for (int call = 1; call <= CALLS; call++) {
            String traceId = randomHex(32);
            String caller = randomHex(16);
            HttpResponse<String> response = get(app, 1000 + call, library, upstream.httpUrl() + upstreamPath + "/"
                    + call, "00-" + traceId + "-" + caller + "-01");
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("ok", response.body(), "the upstream's answer");

            String path = upstreamPath + "/" + call;
            List<RecordingServer.SeenRequest> seen = upstream.seen().stream().filter(request -> request.path()
                    .equals(path)).toList();
            assertEquals(1, seen.size(), "one request reached the upstream: " + seen);
            String traceparent = seen.get(0).traceparent();
            Matcher sent = TRACEPARENT.matcher(String.valueOf(traceparent));
            assertTrue(sent.matches(), library + " sent no traceparent: " + seen.get(0));
            assertEquals(traceId, sent.group(1), "the call carries the inbound request's trace: " + traceparent);

            JsonObject inbound = serverSpan(traceId);
            assertEquals(caller, inbound.get("parentSpanId").getAsString(), "continues the caller's trace");
            assertEquals("GET " + app.route(), inbound.get("name").getAsString(), inbound::toString);
            assertEquals(app.route(), attribute(inbound, "http.route"), inbound::toString);
            assertEquals("200", attribute(inbound, "http.response.status_code"), inbound::toString);
            assertEquals(service, inbound.get("serviceName").getAsString());

            JsonObject outbound = CollectorSpans.awaitSpan(collector, traceparent);
            assertEquals("CLIENT", CollectorSpans.kind(outbound), outbound::toString);
            assertEquals(inbound.get("spanId").getAsString(), outbound.get("parentSpanId").getAsString(),
                    "the call is a child of the request's span");
            assertEquals("200", attribute(outbound, "http.response.status_code"), outbound::toString);
        }
        awaitExactly("http_client_request_duration_seconds_count", Map.of("http_route", upstreamPath + "/{id}"),
                CALLS);
    }

    @Test
    @Order(2)
    void aHungUpstreamEndsAtThePolicysDeadlineInEveryLibraryWellBeforeTheApplicationsOwnTimeout() throws Exception {
        Map<String, CompletableFuture<String>> outcomes = new LinkedHashMap<>();
        for (WebApp app : webApps) {
            for (String library : LIBRARIES) {
                String path = hangPath(app, library);
                long start = System.nanoTime();
                // All at once: each ends after the deadline, not one after another.
                outcomes.put(path, http.sendAsync(request(app, 2000, library, faults.uri(path).toString(), null),
                                HttpResponse.BodyHandlers.ofString())
                        .handle((response, failed) -> {
                            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                            return failed != null ? "no answer after " + millis + " ms: " + failed
                                    : response.statusCode() + "|" + millis + "|" + response.body();
                        }));
            }
        }
        List<Executable> checks = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<String>> outcome : outcomes.entrySet()) {
            String path = outcome.getKey();
            String answer = outcome.getValue().get(ANSWER.toSeconds() + 5, TimeUnit.SECONDS);
            checks.add(() -> {
                String[] parts = answer.split("\\|", 3);
                assertTrue(parts.length == 3 && parts[0].equals("502"), path + ": expected a 502, got " + answer);
                long millis = Long.parseLong(parts[1]);
                assertTrue(millis >= DEADLINE_MILLIS - 50 && millis < WELL_BEFORE_MILLIS,
                        path + ": ended by the 1 s deadline, well before the application's 60 s timeout: " + answer);
                List<FaultyUpstream.Seen> seen = faults.requests(path);
                assertEquals(1, seen.size(), path + " reached the upstream once");
                JsonObject span = CollectorSpans.awaitSpan(collector, seen.get(0).traceparent());
                assertEquals("deadline", attribute(span, "callsight.timeout.kind"), span::toString);
                assertTrue(attribute(span, "error.type") != null, span::toString);
            });
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("appsAndLibraries")
    @Order(3)
    void aRetryPolicyResendsTheCallThatGot503AndEveryAttemptIsASpan(WebApp app, String library) throws Exception {
        String path = "/fail-then-ok/" + (ATTEMPTS - 1) + "/" + app.name() + "/" + library;
        String traceId = randomHex(32);
        HttpResponse<String> response = get(app, 3000, library, faults.uri(path).toString(),
                "00-" + traceId + "-" + randomHex(16) + "-01");
        List<FaultyUpstream.Seen> attempts = faults.requests(path);
        // HttpURLConnection included: the agent resends on new connections and answers the application's from the last.
        assertEquals(200, response.statusCode(), "the retried call succeeded: " + response.body());
        assertEquals(ATTEMPTS, attempts.size(), "attempts the upstream saw: " + attempts);
        for (FaultyUpstream.Seen attempt : attempts) {
            Matcher sent = TRACEPARENT.matcher(String.valueOf(attempt.traceparent()));
            assertTrue(sent.matches(), library + " sent no traceparent: " + attempt);
            assertEquals(traceId, sent.group(1), "every attempt carries the inbound request's trace: " + attempt);
        }
        JsonObject inbound = serverSpan(traceId);
        for (int attempt = 0; attempt < attempts.size(); attempt++) {
            JsonObject span = CollectorSpans.awaitSpan(collector, attempts.get(attempt).traceparent());
            assertEquals(inbound.get("spanId").getAsString(), span.get("parentSpanId").getAsString(),
                    "under a parent span the attempts are siblings: " + span);
            boolean last = attempt == attempts.size() - 1;
            assertEquals(last ? "200" : "503", attribute(span, "http.response.status_code"), span::toString);
            if (attempt == 0) {
                assertNull(attribute(span, "http.request.resend_count"), span::toString);
            } else {
                assertEquals(Integer.toString(attempt), attribute(span, "http.request.resend_count"), span::toString);
                assertEquals("agent", attribute(span, "callsight.retry.source"), span::toString);
                assertEquals("503", attribute(span, "callsight.retry.reason"), span::toString);
            }
        }
    }

    @Test
    @Order(4)
    void theServerCountsEveryRequestOnceUnderItsRoute() throws Exception {
        for (WebApp app : webApps) {
            int sent = sentPerApp.getOrDefault(app.name(), new AtomicInteger()).get();
            awaitExactly("http_server_request_duration_seconds_count", Map.of("http_route", app.route()), sent);
        }
    }

    @Test
    @Order(5)
    void nothingTheAgentDidEndsInALinkageError() {
        List<String> broken = server.lines().stream().filter(line -> LINKAGE.matcher(line).find()).toList();
        assertEquals(List.of(), broken, server::describe);
    }

    private String hangPath(WebApp app, String library) {
        return "/hang/" + app.name() + "/" + library;
    }

    private JsonObject serverSpan(String traceId) throws Exception {
        return Eventually.get(() -> CollectorSpans.only(collector.spans(traceId), "SERVER"),
                "the one SERVER span of trace " + traceId, PATIENCE);
    }

    private HttpResponse<String> get(WebApp app, int orderId, String library, String target, String traceparent)
            throws Exception {
        return http.send(request(app, orderId, library, target, traceparent), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(WebApp app, int orderId, String library, String target, String traceparent) {
        sentPerApp.computeIfAbsent(app.name(), name -> new AtomicInteger()).incrementAndGet();
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(app.contextPath() + "/orders/" + orderId
                + "/items?via=" + library + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8)))
                .timeout(ANSWER);
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return request.build();
    }

    /** Waits until the service's matching series on /metrics add up to at least {@code expected}; then exactly. */
    private void awaitExactly(String metric, Map<String, String> labels, double expected) throws Exception {
        double total;
        try {
            total = Eventually.get(() -> {
                double sum = collector.total(metric, service, labels);
                return sum >= expected ? sum : null;
            }, metric + labels + " >= " + expected, PATIENCE);
        } catch (AssertionError missing) {
            throw new AssertionError(missing.getMessage() + "; the service's series:\n" + seriesOfService(), missing);
        }
        if (total != expected) {
            assertEquals(expected, total, metric + labels + "; the service's series:\n" + seriesOfService());
        }
    }

    private String seriesOfService() throws Exception {
        return collector.get("/metrics").body().lines().filter(line -> line.contains("\"" + service + "\"")
                && line.contains("_count")).collect(Collectors.joining("\n"));
    }

    private static String randomHex(int digits) {
        StringBuilder hex = new StringBuilder(digits);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < digits; i++) {
            hex.append(Character.forDigit(i == 0 ? 1 + random.nextInt(15) : random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
