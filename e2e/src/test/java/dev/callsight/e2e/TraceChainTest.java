package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.e2e.app.server.ChainApp;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole traces across three real JVMs with the agent: front calls middle, middle fans out to back twice on an
 * executor. Whatever propagator the three are configured with, the collector holds one trace in which every span
 * hangs under the one that caused it, the Jaeger-compatible API shows the same tree, and middle's log lines carry
 * the trace's ID, including those logged on the executor's threads.
 */
@Timeout(240)
class TraceChainTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    @ParameterizedTest
    @ValueSource(strings = {"tracecontext,baggage", "b3multi", "jaeger"})
    void oneTraceFromFrontThroughMiddlesExecutorToBack(String propagators) throws Exception {
        Path logback = workDir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>log|%X{trace_id}|%X{span_id}|%msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        List<Path> logging = ClientLibraries.jarsOf(ClientLibraries.releasesOf("logback").get(0));
        Path jdk = Jvm.javaHomes().get(0);
        try (CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"))) {
            InstrumentedServer middle;
            try (InstrumentedServer back = InstrumentedServer.start(jdk,
                    environment(collector, "chain-back", propagators), List.of(), List.of(), ChainApp.class.getName(),
                    List.of("back"));
                    InstrumentedServer started = InstrumentedServer.start(jdk,
                            environment(collector, "chain-middle", propagators),
                            List.of("-Dlogback.configurationFile=" + logback), logging, ChainApp.class.getName(),
                            List.of("middle", "http://127.0.0.1:" + back.port()))) {
                middle = started;
                InstrumentedApp.Result front = InstrumentedApp.run(jdk,
                        environment(collector, "chain-front", propagators), List.of(), List.of(), ChainApp.class,
                        List.of("front", middle.uri("/orders/42").toString()));
                assertEquals(List.of("result|200"), front.output().stream().filter(line -> line.startsWith("result|"))
                        .toList(), front::describe);
            }

            String traceId = Eventually.get(() -> collector.traceIds("chain-front", 1).stream().findFirst().orElse(null),
                    "the front's trace", PATIENCE);
            List<JsonObject> spans = Eventually.get(() -> {
                List<JsonObject> stored = collector.spans(traceId);
                return stored.size() >= 6 ? stored : null;
            }, "six spans of trace " + traceId, PATIENCE);
            assertEquals(6, spans.size(), spans::toString);

            JsonObject frontCall = only(spans, span("chain-front", "CLIENT"));
            JsonObject order = only(spans, span("chain-middle", "SERVER"));
            List<JsonObject> checks = all(spans, span("chain-middle", "CLIENT"), 2);
            List<JsonObject> stock = all(spans, span("chain-back", "SERVER"), 2);
            assertEquals("", parentOrRoot(frontCall), frontCall::toString);
            assertEquals(id(frontCall), parent(order));
            for (JsonObject check : checks) {
                assertEquals(id(order), parent(check), check::toString);
            }
            assertEquals(checks.stream().map(TraceChainTest::id).collect(Collectors.toSet()),
                    stock.stream().map(TraceChainTest::parent).collect(Collectors.toSet()), "each stock check's server span");
            assertEquals("/orders/{id}", order.getAsJsonObject("http").get("route").getAsString(), order::toString);

            assertJaegerTree(collector, traceId, spans);

            List<String> logs = middle.describe().lines().filter(line -> line.startsWith("log|")).toList();
            assertEquals(4, logs.size(), middle::describe);
            for (String line : logs) {
                assertTrue(line.startsWith("log|" + traceId + "|"), () -> line + " carries trace " + traceId);
            }
            Set<String> loggedSpans = logs.stream().map(line -> line.split("\\|")[2]).collect(Collectors.toSet());
            assertEquals(Set.of(id(order)), loggedSpans, "every line is logged while the order's server span is current");
        }
    }

    /** The Jaeger query API shows the same spans, services and CHILD_OF references. */
    private static void assertJaegerTree(CollectorProcess collector, String traceId, List<JsonObject> spans)
            throws Exception {
        JsonObject trace = JsonParser.parseString(collector.get("/jaeger/api/traces/" + traceId).body())
                .getAsJsonObject().getAsJsonArray("data").get(0).getAsJsonObject();
        Map<String, String> parents = new HashMap<>();
        Set<String> services = trace.getAsJsonObject("processes").entrySet().stream()
                .map(process -> process.getValue().getAsJsonObject().get("serviceName").getAsString())
                .collect(Collectors.toSet());
        for (JsonElement element : trace.getAsJsonArray("spans")) {
            JsonObject span = element.getAsJsonObject();
            // Jaeger may print an ID without its leading zeros.
            assertEquals(traceId.replaceFirst("^0+", ""), span.get("traceID").getAsString().replaceFirst("^0+", ""));
            String parent = "";
            for (JsonElement reference : span.getAsJsonArray("references")) {
                if ("CHILD_OF".equals(reference.getAsJsonObject().get("refType").getAsString())) {
                    parent = reference.getAsJsonObject().get("spanID").getAsString();
                }
            }
            parents.put(span.get("spanID").getAsString(), parent);
        }
        Map<String, String> expected = spans.stream().collect(Collectors.toMap(TraceChainTest::id,
                TraceChainTest::parentOrRoot));
        assertEquals(expected, parents);
        assertEquals(Set.of("chain-front", "chain-middle", "chain-back"), services);
    }

    private static Map<String, String> environment(CollectorProcess collector, String service, String propagators) {
        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(collector, service));
        environment.put("OTEL_PROPAGATORS", propagators);
        return environment;
    }

    private static Predicate<JsonObject> span(String service, String kind) {
        return span -> service.equals(span.get("serviceName").getAsString()) && kind.equals(span.get("kind").getAsString());
    }

    private static JsonObject only(List<JsonObject> spans, Predicate<JsonObject> which) {
        return all(spans, which, 1).get(0);
    }

    private static List<JsonObject> all(List<JsonObject> spans, Predicate<JsonObject> which, int count) {
        List<JsonObject> matching = spans.stream().filter(which).toList();
        assertEquals(count, matching.size(), spans::toString);
        return matching;
    }

    private static String id(JsonObject span) {
        return span.get("spanId").getAsString();
    }

    private static String parent(JsonObject span) {
        String parent = parentOrRoot(span);
        assertNotEquals("", parent, span::toString);
        return parent;
    }

    /** The parent span's ID, empty for a root span (the API leaves the field out). */
    private static String parentOrRoot(JsonObject span) {
        JsonElement parent = span.get("parentSpanId");
        return parent == null || parent.isJsonNull() ? "" : parent.getAsString();
    }
}
