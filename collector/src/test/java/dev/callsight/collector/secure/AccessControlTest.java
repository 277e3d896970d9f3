package dev.callsight.collector.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.CollectorOptions;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bearer token, the browser login, CORS and the default bind address, against real collectors. */
class AccessControlTest {

    private static final String TOKEN = "s3cr3t-t0ken-0123456789abcdef";
    private static final List<String> WEB_PATHS = List.of("/", "/ui/", "/ui/app.js", "/ui/lib/uPlot.min.css",
            "/api/services", "/api/traces?service=checkout", "/api/search", "/api/slos", "/api/rules",
            "/api/ui-config", "/api/calls/series?service=checkout", "/jaeger/api/services", "/jaeger/api/traces",
            "/metrics", "/h2-console", "/h2-console/login.jsp", "/no-such-page");

    @TempDir
    Path dataDir;

    @Test
    void everyRouteOnBothPortsNeedsTheToken() throws Exception {
        try (Collector collector = start(tokenConfig())) {
            byte[] traces = traceRequest();
            for (String signal : List.of("/v1/traces", "/v1/metrics")) {
                assertUnauthorized(send(post(collector.otlpEndpoint() + signal, traces)));
                assertUnauthorized(send(post(collector.otlpEndpoint() + signal, traces)
                        .header("Authorization", "Bearer wrong-token-0123456789abcdef")));
                // The login cookie opens the web port only: a page cannot make a browser push data.
                assertUnauthorized(send(post(collector.otlpEndpoint() + signal, traces)
                        .header("Cookie", "callsight_token=" + TOKEN)));
            }
            assertEquals(0, collector.spanStore().spanCount());
            HttpResponse<String> accepted = send(post(collector.otlpEndpoint() + "/v1/traces", traces)
                    .header("Authorization", "Bearer " + TOKEN));
            assertEquals(200, accepted.statusCode(), accepted.body());
            assertEquals(1, collector.spanStore().spanCount());

            for (String path : WEB_PATHS) {
                URI uri = URI.create(collector.webEndpoint() + path);
                assertUnauthorized(send(HttpRequest.newBuilder(uri)));
                assertUnauthorized(send(HttpRequest.newBuilder(uri).header("Authorization", "Basic " + TOKEN)));
                assertUnauthorized(send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN + "x")));
                HttpResponse<String> allowed = send(HttpRequest.newBuilder(uri).header("Authorization", "bearer " + TOKEN));
                assertNotEquals(401, allowed.statusCode(), path);
                assertTrue(allowed.statusCode() < 500, path + ": " + allowed.statusCode());
            }
            HttpResponse<String> console = send(HttpRequest.newBuilder(URI.create(collector.webEndpoint() + "/h2-console"))
                    .header("Authorization", "Bearer " + TOKEN));
            assertEquals(404, console.statusCode(), "H2's web console is never served");
        }
    }

    @Test
    void aBrowserLogsInWithAFormAndAnHttpOnlyCookie() throws Exception {
        try (Collector collector = start(tokenConfig())) {
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(collector.webEndpoint() + "/ui/"))
                    .header("Accept", "text/html,application/xhtml+xml"));
            assertEquals(401, page.statusCode());
            assertTrue(page.body().contains("<form method=\"post\" action=\"/login\">"), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));

            HttpResponse<String> wrong = send(form(collector, "token=not-the-token-0123456789"));
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.headers().allValues("Set-Cookie").isEmpty());

            HttpResponse<String> right = send(form(collector, "token=" + TOKEN));
            assertEquals(303, right.statusCode());
            assertEquals("/ui/", right.headers().firstValue("Location").orElse(""));
            String cookie = right.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.startsWith("callsight_token=" + TOKEN + ";"), cookie);
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            assertFalse(cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");

            for (String path : List.of("/ui/", "/api/services", "/jaeger/api/services")) {
                HttpResponse<String> in = send(HttpRequest.newBuilder(URI.create(collector.webEndpoint() + path))
                        .header("Cookie", "callsight_token=" + TOKEN));
                assertEquals(200, in.statusCode(), path);
            }
        }
    }

    @Test
    void corsHeadersOnlyForTheConfiguredOrigin() throws Exception {
        try (Collector collector = start(SecurityConfig.DEFAULT)) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(collector.webEndpoint() + "/api/services"))
                    .header("Origin", "https://evil.example"));
            assertEquals(200, answer.statusCode());
            assertTrue(answer.headers().map().keySet().stream().noneMatch(h -> h.startsWith("access-control")),
                    answer.headers().toString());
            assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(""));
        }
        try (Collector collector = start(tokenConfig().withCorsOrigin("https://app.example"))) {
            // A preflight carries no credentials, so it is answered before the token check.
            HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(collector.otlpEndpoint() + "/v1/traces"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "POST"));
            assertEquals(204, preflight.statusCode());
            assertEquals("https://app.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));

            HttpResponse<String> export = send(post(collector.otlpEndpoint() + "/v1/traces", traceRequest())
                    .header("Origin", "https://app.example").header("Authorization", "Bearer " + TOKEN));
            assertEquals(200, export.statusCode());
            assertEquals("https://app.example", export.headers().firstValue("Access-Control-Allow-Origin").orElse(""));

            HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(collector.otlpEndpoint() + "/v1/traces"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "POST"));
            assertUnauthorized(other);
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void bindsLoopbackByDefaultAndWarnsWhenExposedWithoutAToken() throws Exception {
        CollectorOptions options = new CollectorOptions();
        new CommandLine(options).parseArgs();
        CollectorConfig defaults = options.toConfig();
        assertTrue(InetAddress.getByName(defaults.bindAddress()).isLoopbackAddress(), defaults.bindAddress());
        try (Collector collector = start(SecurityConfig.DEFAULT)) {
            assertTrue(collector.otlpEndpoint().startsWith("http://127.0.0.1:"), collector.otlpEndpoint());
            assertTrue(collector.webEndpoint().startsWith("http://127.0.0.1:"), collector.webEndpoint());
        }

        assertEquals("", warnings("127.0.0.1", SecurityConfig.DEFAULT));
        assertEquals("", warnings("::1", SecurityConfig.DEFAULT));
        String exposed = warnings("0.0.0.0", SecurityConfig.DEFAULT);
        assertTrue(exposed.contains("WARNING: listening on 0.0.0.0 without --token-file"), exposed);
        String clear = warnings("0.0.0.0", tokenConfig());
        assertTrue(clear.contains("WARNING: listening on 0.0.0.0 without TLS"), clear);
    }

    @Test
    void aBadTokenFileStopsTheStart() throws Exception {
        Path file = dataDir.resolve("short.token");
        Files.writeString(file, "abc\n");
        IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> start(SecurityConfig.DEFAULT.withToken(file)));
        assertTrue(error.getMessage().contains("at least 16 characters"), error.getMessage());
    }

    private String warnings(String bind, SecurityConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SecureListeners.create(bind, config, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private SecurityConfig tokenConfig() throws Exception {
        Path file = dataDir.resolve("collector.token");
        Files.writeString(file, TOKEN + "\n");
        return SecurityConfig.DEFAULT.withToken(file);
    }

    private Collector start(SecurityConfig security) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir.resolve("data"))
                .security(security).build());
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.uri() + ": " + response.body());
        assertEquals("Bearer realm=\"callsight\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
        assertFalse(response.body().isBlank());
    }

    private static HttpRequest.Builder post(String url, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static HttpRequest.Builder form(Collector collector, String body) {
        return HttpRequest.newBuilder(URI.create(collector.webEndpoint() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return Http.send(request.timeout(Duration.ofSeconds(20)).build());
    }

    private static byte[] traceRequest() {
        return Otlp.traces("checkout", Otlp.clientSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 200))
                .toByteArray();
    }
}
