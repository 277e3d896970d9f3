package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.ProcessOutput;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code java -jar callsight-collector.jar demo}, as a user runs it. The scripted incident
 * across the three JVMs is checked in {@link DemoUiBrowserTest}, over the same demo run as the web UI's pages, so the
 * suite starts the demo once for both.
 */
@Timeout(120)
class DemoTest {

    private static final Pattern METRICS_URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)/metrics");
    static final Pattern UI_URL = Pattern.compile("^callsight web UI: (http://127\\.0\\.0\\.1:\\d+)/ui/$");
    static final String PAGING_SLO = "checkout-availability";

    static JsonObject json(URI web, String path) throws Exception {
        return JsonParser.parseString(get(web, path)).getAsJsonObject();
    }

    @TempDir
    Path dataDir;

    @Test
    void stopsByItselfAfterTheDuration() throws Exception {
        Process demo = startDemo("--duration", "8s");
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        output.await(METRICS_URL, Duration.ofSeconds(60));

        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), () -> "demo did not stop after --duration: " + output);
        assertEquals(0, demo.exitValue(), output::toString);
        output.await(Pattern.compile("^demo stopped"), Duration.ofSeconds(5));
    }

    private Process startDemo(String... options) throws Exception {
        return startDemo(dataDir, options);
    }

    /** {@code java -jar callsight-collector.jar demo} on free ports, storing into {@code dataDir}. */
    static Process startDemo(Path dataDir, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.java().toString(), "-jar", Jvm.collectorJar().toString(),
                "demo", "--otlp-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static String get(URI web, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(web.resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
