package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.Browser;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Programs;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.e2e.support.TestCertificate;
import dev.callsight.testing.Eventually;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector as a user would lock it down (--token-file, --tls-cert, --tls-key), fed by a real agent JVM through
 * the standard OTEL_EXPORTER_OTLP_* variables and scraped by a real Prometheus with its authorization config.
 */
@Timeout(240)
class SecureCollectorTest {

    private static final String TOKEN = "e2e-token-6f1c2b9a0d8e4f7a";

    @TempDir
    Path workDir;

    @Test
    void agentExportsOverHttpsWithTheTokenAndOnlyThen() throws Exception {
        Secured secured = secure();
        try (RecordingServer upstream = new RecordingServer(secured.certificate.serverContext());
                CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"), secured.flags())) {
            assertTrue(collector.otlp().toString().startsWith("https://127.0.0.1:"), collector.otlp().toString());

            InstrumentedApp.Result refused = InstrumentedApp.run(javaHome(),
                    agentEnvironment(collector, secured, "no-token-app", false), List.of(),
                    List.of(AppCall.of("jdk", "GET", upstream.httpUrl() + "/refused")));
            assertEquals(0, refused.exitCode(), refused.describe());

            // With the SDK's own log on: should the trace not arrive, the failure says what the export met.
            InstrumentedApp.Result accepted = InstrumentedApp.run(javaHome(),
                    agentEnvironment(collector, secured, "token-app", true), List.of("-Dcallsight.debug=true"),
                    List.of(AppCall.of("jdk", "GET", upstream.httpUrl() + "/users/42")));
            assertEquals(0, accepted.exitCode(), accepted.describe());

            HttpClient client = HttpClient.newBuilder().sslContext(secured.certificate.clientContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Eventually.get(() -> {
                JsonArray traces = traces(client, collector, "token-app");
                return traces.isEmpty() ? null : traces;
            }, "token-app's trace stored", () -> accepted.describe() + "\ncollector:\n"
                    + String.join("\n", collector.output()), Duration.ofSeconds(30));
            assertEquals(0, traces(client, collector, "no-token-app").size(), "an export without the token is refused");

            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(
                    collector.web().resolve("/api/services")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());

            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            try {
                untrusting.send(HttpRequest.newBuilder(collector.web().resolve("/api/services")).build(),
                        HttpResponse.BodyHandlers.ofString());
                throw new AssertionError("a self-signed certificate must not be trusted by default");
            } catch (SSLHandshakeException expected) {
                // The listener speaks TLS with the given certificate, nothing else.
            }
        }
    }

    /** A browser has no header to add: it logs in with the form, and the UI then works on the HttpOnly cookie. */
    @Test
    void aBrowserLogsInThroughTheFormAndUsesTheUi() throws Exception {
        Secured secured = secure();
        try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"), "--token-file",
                secured.tokenFile.toString());
                Browser browser = Browser.start(workDir.resolve("profile"))) {
            browser.open(collector.web().resolve("/ui/#/slos"));
            String field = browser.element("input[name=token]");
            browser.type(field, "not-the-token-0123456789");
            browser.click(browser.element("button[type=submit]"));
            browser.awaitText("p.error", text -> text.contains("not valid"));

            browser.type(browser.element("input[name=token]"), TOKEN);
            browser.click(browser.element("button[type=submit]"));
            browser.awaitText("header .brand", "callsight"::equals);
            browser.awaitText("#updated", text -> text.startsWith("updated "));
            assertEquals("", browser.script("return document.cookie").getAsString(),
                    "the token cookie is HttpOnly: no script on the page can read it");
        }
    }

    /** H2's web console and TCP server stay off: the process listens on the two configured ports only. */
    @Test
    void listensOnItsTwoPortsOnlyAndServesNoH2Console() throws Exception {
        try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"))) {
            HttpResponse<String> console = collector.get("/h2-console");
            assertEquals(404, console.statusCode());
            Set<Integer> expected = Set.of(collector.otlp().getPort(), collector.web().getPort());
            assertEquals(expected, listeningPorts(collector.pid()));
        }
    }

    @Test
    void prometheusScrapesWithItsAuthorizationConfig() throws Exception {
        Path prometheus = Programs.require("prometheus", "prometheus");
        Secured secured = secure();
        try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"), secured.flags())) {
            int port = freePort();
            Path config = workDir.resolve("prometheus.yml");
            String target = collector.web().getAuthority();
            Files.writeString(config, """
                    global: { scrape_interval: 1s }
                    scrape_configs:
                      - job_name: callsight
                        scheme: https
                        authorization: { credentials_file: "%1$s" }
                        tls_config: { ca_file: "%2$s" }
                        static_configs: [ { targets: [ "%3$s" ] } ]
                      - job_name: without-token
                        scheme: https
                        tls_config: { ca_file: "%2$s" }
                        static_configs: [ { targets: [ "%3$s" ] } ]
                    """.formatted(secured.tokenFile, secured.certificatePem, target));
            Process process = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                URI api = URI.create("http://127.0.0.1:" + port);
                Map<String, String> up = Eventually.get(() -> {
                    Map<String, String> byJob = upByJob(client, api);
                    // A first scrape may time out (1 s) on a busy machine; one with the token must succeed.
                    return "1".equals(byJob.get("callsight")) && byJob.containsKey("without-token") ? byJob : null;
                }, "a scrape with the token succeeded", Duration.ofSeconds(60));
                assertEquals(Map.of("callsight", "1", "without-token", "0"), up);
            } finally {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private record Secured(TestCertificate certificate, Path certificatePem, Path keyPem, Path tokenFile) {
        String[] flags() {
            return new String[] {"--token-file", tokenFile.toString(), "--tls-cert", certificatePem.toString(),
                "--tls-key", keyPem.toString()};
        }
    }

    private Secured secure() throws Exception {
        TestCertificate certificate = TestCertificate.create(workDir);
        Path token = Files.writeString(workDir.resolve("collector.token"), TOKEN + "\n");
        return new Secured(certificate, certificate.writeCertificatePem(workDir.resolve("cert.pem")),
                certificate.writeKeyPem(workDir.resolve("key.pem")), token);
    }

    private static Map<String, String> agentEnvironment(CollectorProcess collector, Secured secured, String service,
            boolean withToken) {
        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(collector, service));
        environment.put("OTEL_EXPORTER_OTLP_CERTIFICATE", secured.certificatePem.toString());
        if (withToken) {
            environment.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20" + TOKEN);
        }
        return environment;
    }

    private static JsonArray traces(HttpClient client, CollectorProcess collector, String service) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                collector.web().resolve("/api/traces?service=" + service + "&limit=10"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("traces");
    }

    private static Map<String, String> upByJob(HttpClient client, URI prometheus) throws Exception {
        Map<String, String> byJob = new HashMap<>();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(prometheus.resolve("/api/v1/query?query="
                    + URLEncoder.encode("up", StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException starting) {
            return byJob;
        }
        if (response.statusCode() != 200) {
            return byJob;
        }
        JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data").getAsJsonArray("result")
                .forEach(sample -> byJob.put(sample.getAsJsonObject().getAsJsonObject("metric").get("job").getAsString(),
                        sample.getAsJsonObject().getAsJsonArray("value").get(1).getAsString()));
        return byJob;
    }

    /** The TCP ports a process listens on: its socket descriptors matched against the kernel's LISTEN sockets. */
    private static Set<Integer> listeningPorts(long pid) throws Exception {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // A descriptor closed while listing is no listener.
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.strip().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    String local = fields[1];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
