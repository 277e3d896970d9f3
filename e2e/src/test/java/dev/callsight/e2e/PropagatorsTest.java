package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.LoopbackServices;
import dev.callsight.e2e.support.RecordingServer;
import dev.callsight.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OTEL_PROPAGATORS picks the headers every call carries (W3C trace context and baggage by
 * default, B3 single or multi, Jaeger), through the SDK's propagator lookup inside the shaded
 * agent. A header of that format the application set itself goes out unchanged, and the call's
 * span joins the trace it names.
 */
@Timeout(300)
class PropagatorsTest {

    private static final String APPLICATION_TRACE = "463ac35c9f6413ad48485a3953bb6124";
    private static final String APPLICATION_SPAN = "0020000000000001";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final LoopbackServices services = new LoopbackServices();

    /** Per OTEL_PROPAGATORS value: the application's own header, and how to read trace and span ID off what the agent sends. */
    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("tracecontext,baggage", "traceparent=00-" + APPLICATION_TRACE + "-" + APPLICATION_SPAN + "-01",
                        "traceparent", "00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}"),
                Arguments.of("b3", "b3=" + APPLICATION_TRACE + "-" + APPLICATION_SPAN + "-1",
                        "b3", "([0-9a-f]{32})-([0-9a-f]{16})-1"),
                Arguments.of("b3multi", "X-B3-TraceId=" + APPLICATION_TRACE, "x-b3-traceid", "([0-9a-f]{32})"),
                Arguments.of("jaeger", "uber-trace-id=" + APPLICATION_TRACE + ":" + APPLICATION_SPAN + ":0:1",
                        "uber-trace-id", "([0-9a-f]{32}):([0-9a-f]{16}):0:1"));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void callsCarryTheConfiguredHeadersAndJoinTheApplicationsOwn(String propagators, String applicationHeader,
            String header, String format) throws Exception {
        String service = "propagators-" + propagators.replace(',', '-');
        String base = services.upstream().httpUrl() + "/" + service;
        int before = services.upstream().seen().size();
        Map<String, String> environment = new HashMap<>(InstrumentedApp.exportingTo(services.collector(), service));
        environment.put("OTEL_PROPAGATORS", propagators);
        List<AppCall> calls = List.of(AppCall.of("jdk", "GET", base + "/jdk"),
                AppCall.of("jdk-async", "GET", base + "/jdk-async"),
                AppCall.of("urlconnection", "GET", base + "/urlconnection"),
                AppCall.of("jdk", "GET", base + "/own").withHeader(applicationHeader),
                AppCall.of("urlconnection", "GET", base + "/own-urlconnection").withHeader(applicationHeader));
        if ("b3multi".equals(propagators)) {
            // B3 multi needs the span ID in a second header, which the app's one-header argument cannot carry.
            calls = calls.subList(0, 3);
        }
        InstrumentedApp.Result app = InstrumentedApp.run(Jvm.javaHomes().get(0), environment, List.of(), calls);
        assertEquals(0, app.exitCode(), app::describe);

        Map<String, RecordingServer.SeenRequest> seen = new HashMap<>();
        services.upstream().seen().subList(before, services.upstream().seen().size())
                .forEach(request -> seen.put(request.path().substring(service.length() + 2), request));
        for (String client : List.of("jdk", "jdk-async", "urlconnection")) {
            RecordingServer.SeenRequest request = seen.get(client);
            assertTrue(request != null, () -> client + " reached the upstream: " + seen);
            Matcher ids = Pattern.compile(format).matcher(String.valueOf(request.header(header)));
            assertTrue(ids.matches(), () -> header + " in " + propagators + " format on " + request);
            String spanId = ids.groupCount() > 1 ? ids.group(2) : request.header("x-b3-spanid");
            assertTrue("b3multi".equals(propagators) == (request.header("x-b3-spanid") != null), request::toString);
            JsonObject span = Eventually.get(() -> services.collector().span(ids.group(1), spanId),
                    "the span " + request + " names", PATIENCE);
            assertEquals("CLIENT", span.get("kind").getAsString().replace("SPAN_KIND_", ""), span::toString);
            if (!propagators.startsWith("tracecontext")) {
                assertNull(request.traceparent(), "only the configured format goes out: " + request);
            }
        }
        if ("b3multi".equals(propagators)) {
            return;
        }
        String[] own = applicationHeader.split("=", 2);
        for (String path : List.of("own", "own-urlconnection")) {
            assertEquals(own[1], seen.get(path).header(own[0]), "the application's header goes out unchanged");
            JsonObject joined = Eventually.get(() -> services.collector().spans(APPLICATION_TRACE).stream()
                    .filter(span -> CollectorProcess.attribute(span, "url.full").endsWith("/" + path))
                    .findFirst().orElse(null), "the span of " + path + " in the application's trace", PATIENCE);
            assertEquals(APPLICATION_SPAN, joined.get("parentSpanId").getAsString(), joined::toString);
        }
    }

    @Test
    void baggageTheApplicationSetGoesOutUnchangedBesideTheAgentsTraceparent() throws Exception {
        String base = services.upstream().httpUrl() + "/baggage";
        int before = services.upstream().seen().size();
        InstrumentedApp.Result app = InstrumentedApp.run(Jvm.javaHomes().get(0),
                InstrumentedApp.exportingTo(services.collector(), "propagators-baggage"), List.of(),
                List.of(AppCall.of("jdk", "GET", base + "/jdk").withHeader("baggage=tenant=acme,plan=gold"),
                        AppCall.of("urlconnection", "GET", base + "/urlconnection")
                                .withHeader("baggage=tenant=acme,plan=gold")));
        assertEquals(0, app.exitCode(), app::describe);

        List<RecordingServer.SeenRequest> seen = services.upstream().seen().subList(before, services.upstream().seen().size());
        assertEquals(2, seen.size(), seen::toString);
        for (RecordingServer.SeenRequest request : seen) {
            assertEquals("tenant=acme,plan=gold", request.header("baggage"), request::toString);
            assertTrue(String.valueOf(request.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), request::toString);
        }
    }
}
