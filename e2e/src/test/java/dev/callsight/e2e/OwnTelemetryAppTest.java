package dev.callsight.e2e;

import static dev.callsight.e2e.support.CollectorSpans.TRACEPARENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.app.OwnTelemetryApp;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.CollectorSpans;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.LoopbackServices;
import dev.callsight.e2e.support.RecordingServer;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application with its own, unshaded OpenTelemetry SDK (1.40, not the agent's release) and an OkHttp older than
 * the agent supports (3.11, before per-call timeouts) on its class path, started with the agent: it works as without
 * the agent. Its SDK registers globally and exports its own spans, the OkHttp call goes out unchanged (no interceptor
 * of the agent's, no traceparent), nothing ends in a LinkageError, and its JDK HttpClient call is still traced.
 */
@Timeout(120)
class OwnTelemetryAppTest {

    private static final String RELEASE = "own-opentelemetry-1.40.0-okhttp-3.11.0";
    private static final Pattern BROKEN = Pattern.compile(
            "LinkageError|NoSuchMethodError|NoClassDefFoundError|IncompatibleClassChangeError|AbstractMethodError"
                    + "|Exception in thread|^\\s+at ");
    private static final Pattern APP_SPAN = Pattern.compile("^app-span\\|([^|]+)\\|([0-9a-f]{32})\\|([0-9a-f]{16})$");

    @RegisterExtension
    static final LoopbackServices services = new LoopbackServices();

    @Test
    void theApplicationsOwnSdkAndAnUnsupportedOkHttpWorkAsWithoutTheAgent() throws Exception {
        RecordingServer upstream = services.upstream();
        InstrumentedApp.Result app = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                InstrumentedApp.exportingTo(services.collector(), "e2e-own-telemetry"), List.of(),
                ClientLibraries.jarsOf(RELEASE), OwnTelemetryApp.class,
                List.of(upstream.httpUrl() + "/own-sdk/okhttp", upstream.httpUrl() + "/own-sdk/jdk"));

        assertEquals(0, app.exitCode(), app::describe);
        assertEquals(List.of(), app.output().stream().filter(line -> BROKEN.matcher(line).find()).toList(),
                app::describe);
        assertTrue(app.output().contains("sdk|1.40.0"), "the application's own SDK: " + app.describe());
        assertTrue(app.output().contains("okhttp|okhttp/3.11.0"), app::describe);
        assertTrue(app.output().contains("interceptors||"), "no interceptor of the agent's: " + app.describe());
        assertTrue(app.output().contains("call|okhttp|200"), app::describe);
        assertTrue(app.output().contains("call|jdk|200"), app::describe);
        List<String> ownSpans = app.output().stream().map(APP_SPAN::matcher).filter(Matcher::matches)
                .map(span -> span.group(1)).toList();
        assertEquals(List.of("fetch-with-okhttp", "fetch-with-jdk"), ownSpans, "its SDK exported its spans");

        RecordingServer.SeenRequest okhttp = seen(upstream, "/own-sdk/okhttp");
        assertNull(okhttp.traceparent(), "the unsupported OkHttp's request goes out as the application made it");
        RecordingServer.SeenRequest jdk = seen(upstream, "/own-sdk/jdk");
        Matcher traceparent = TRACEPARENT.matcher(String.valueOf(jdk.traceparent()));
        assertTrue(traceparent.matches(), "the JDK client's call is traced: " + jdk);
        JsonObject span = CollectorSpans.awaitSpan(services.collector(), jdk.traceparent());
        assertEquals("CLIENT", CollectorSpans.kind(span), span::toString);
        assertEquals("e2e-own-telemetry", span.get("serviceName").getAsString());
    }

    private static RecordingServer.SeenRequest seen(RecordingServer upstream, String path) {
        List<RecordingServer.SeenRequest> seen = upstream.seen().stream().filter(request -> request.path().equals(path))
                .toList();
        assertEquals(1, seen.size(), path + ": " + seen);
        return seen.get(0);
    }
}
