package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.callsight.e2e.app.ContextApp;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.LoopbackServices;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The context current where work is handed to another thread is current where it runs: an
 * application inside a request submits to executors, forks, chains CompletableFutures and calls
 * sendAsync, and every outbound call made that way is a child of the request's span. Unrelated
 * work the same pooled threads run afterwards starts traces of its own.
 */
@Timeout(300)
class ContextPropagationTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final String REQUEST_TRACE = "5af7183fb1d4cf5f9f0c1a2b3c4d5e6f";
    private static final String REQUEST_SPAN = "a1b2c3d4e5f60718";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<String> INSIDE = List.of("/inside/submit", "/inside/execute", "/inside/invokeAll",
            "/inside/schedule", "/inside/forkjoin-submit", "/inside/fork", "/inside/supplyAsync",
            "/inside/thenApplyAsync", "/inside/thenApply", "/inside/sendAsync", "/inside/sendAsync-then",
            "/inside/sendAsync-thenApply");
    private static final List<String> AFTER = List.of("/after/submit", "/after/execute", "/after/forkjoin-submit",
            "/after/supplyAsync", "/after/pool");

    @RegisterExtension
    static final LoopbackServices services = new LoopbackServices();

    static List<Path> javaHomes() {
        return Jvm.javaHomes();
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void callsMadeOnOtherThreadsAreChildrenOfTheSpanCurrentWhereTheWorkWasHandedOver(Path javaHome) throws Exception {
        String service = "context-" + javaHome.getFileName();
        int before = services.upstream().seen().size();

        InstrumentedApp.Result app = InstrumentedApp.run(javaHome,
                InstrumentedApp.exportingTo(services.collector(), service), List.of(), List.of(), ContextApp.class,
                List.of(services.upstream().httpUrl(), REQUEST_TRACE, REQUEST_SPAN));

        assertEquals(0, app.exitCode(), app::describe);
        assertTrue(app.output().contains("remove|true"), "remove(task) finds the queued task: " + app.describe());
        assertTrue(app.output().contains("shutdownNow|true"), "shutdownNow hands back the task: " + app.describe());
        Map<String, RecordingServer.SeenRequest> seen = new HashMap<>();
        services.upstream().seen().subList(before, services.upstream().seen().size())
                .forEach(request -> seen.put(request.path(), request));
        assertTrue(seen.keySet().stream().noneMatch(path -> path.startsWith("/never/")), seen::toString);

        List<String> inside = new ArrayList<>(INSIDE);
        if (app.output().stream().anyMatch(line -> line.matches("java\\|(2[1-9]|[3-9][0-9])"))) {
            inside.add("/inside/virtual");
        }
        for (String path : inside) {
            Matcher header = traceparentOf(seen, path, app);
            assertEquals(REQUEST_TRACE, header.group(1), path + " is in the request's trace");
            JsonObject span = Eventually.get(() -> services.collector().span(header.group(1), header.group(2)),
                    "span of " + path, PATIENCE);
            assertEquals(REQUEST_SPAN, parentOf(span), path + " is a child of the request's span: " + span);
        }
        for (String path : AFTER) {
            Matcher header = traceparentOf(seen, path, app);
            assertNotEquals(REQUEST_TRACE, header.group(1), path + " leaves the request's trace alone");
            JsonObject span = Eventually.get(() -> services.collector().span(header.group(1), header.group(2)),
                    "span of " + path, PATIENCE);
            assertEquals("", parentOf(span), path + " starts a trace of its own: " + span);
        }
    }

    private static Matcher traceparentOf(Map<String, RecordingServer.SeenRequest> seen, String path,
            InstrumentedApp.Result app) {
        RecordingServer.SeenRequest request = seen.get(path);
        assertTrue(request != null, () -> path + " reached the upstream: " + app.describe());
        Matcher header = TRACEPARENT.matcher(String.valueOf(request.traceparent()));
        assertTrue(header.matches(), () -> "traceparent on " + request);
        return header;
    }

    private static String parentOf(JsonObject span) {
        JsonElement parent = span.get("parentSpanId");
        return parent == null || parent.isJsonNull() ? "" : parent.getAsString();
    }
}
