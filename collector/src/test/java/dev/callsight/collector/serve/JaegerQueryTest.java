package dev.callsight.collector.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.callsight.collector.Collector;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.TestStore;
import dev.callsight.collector.TestStores;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * The Jaeger query API over spans ingested through OTLP into an H2 file, checked field by field against
 * Jaeger's JSON model (jaeger model/json: Trace, Span, Reference, KeyValue, Log, Process) and its query
 * service's envelope and parameters.
 */
@ParameterizedClass
@ArgumentsSource(TestStores.class)
class JaegerQueryTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String ROOT = "00f067aa0ba90201";
    private static final String CALL = "00f067aa0ba90202";
    private static final String LINKED_TRACE = "9bf92f3577b34da6a3ce929d0e0e4799";
    private static final String LINKED_SPAN = "00f067aa0ba90299";
    /** Leading zeros, which Jaeger may print without. */
    private static final String OTHER_TRACE = "0000000000000000a3ce929d0e0e4737";
    private static final long BASE_MICROS = Otlp.BASE_NANOS / 1000;
    private static final String WINDOW = "&start=" + (BASE_MICROS - 1_000_000) + "&end=" + (BASE_MICROS + 60_000_000);

    @Parameter
    TestStore store;

    @TempDir
    Path dataDir;

    private Collector collector;

    @BeforeEach
    void start() {
        collector = TestCollectors.start(dataDir, store.newJdbcUrl(dataDir));
        Span root = Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(ROOT)).setName("POST /orders")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(Otlp.BASE_NANOS - 1_000_000).setEndTimeUnixNano(Otlp.BASE_NANOS + 99_000_000)
                .build();
        Span call = Otlp.clientSpan(TRACE, CALL, 503).toBuilder().setParentSpanId(id(ROOT))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
                .addAttributes(KeyValue.newBuilder().setKey("retry.ratio")
                        .setValue(AnyValue.newBuilder().setDoubleValue(0.5)))
                .addAttributes(KeyValue.newBuilder().setKey("cache.hit")
                        .setValue(AnyValue.newBuilder().setBoolValue(false)))
                .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(Otlp.BASE_NANOS + 41_000_000)
                        .addAttributes(Otlp.attr("exception.type", "java.net.SocketTimeoutException")))
                .addLinks(Span.Link.newBuilder().setTraceId(id(LINKED_TRACE)).setSpanId(id(LINKED_SPAN)))
                .build();
        post(request("checkout", List.of(Otlp.attr("host.name", "box1")), root, call));
        Span other = Otlp.clientSpan(OTHER_TRACE, "00f067aa0ba90203", 200).toBuilder()
                .setStartTimeUnixNano(Otlp.BASE_NANOS + 1_000_000_000L)
                .setEndTimeUnixNano(Otlp.BASE_NANOS + 1_042_000_000L).build();
        post(Otlp.traces("checkout", other));
        post(Otlp.traces("billing", Otlp.clientSpan("6bf92f3577b34da6a3ce929d0e0e4738", "00f067aa0ba90204", 200)
                .toBuilder().setName("<img src=x onerror=alert(1)>").build()));
        TestCollectors.awaitSearchable(collector, "checkout", TRACE, OTHER_TRACE);
        TestCollectors.awaitSearchable(collector, "billing", "6bf92f3577b34da6a3ce929d0e0e4738");
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void servicesAndOperationsInJaegersEnvelope() {
        JsonObject services = get("/api/services", 200);
        assertEquals(Set.of("data", "total", "limit", "offset", "errors"), services.keySet());
        assertEquals(strings("billing", "checkout"), services.get("data"));
        assertEquals(2, services.get("total").getAsInt());
        assertEquals(0, services.get("limit").getAsInt());
        assertEquals(0, services.get("offset").getAsInt());
        assertTrue(services.get("errors").isJsonNull());

        assertEquals(strings("GET /users/{id}", "POST /orders"),
                get("/api/services/checkout/operations", 200).get("data"));
        assertEquals(strings("<img src=x onerror=alert(1)>"),
                get("/api/services/billing/operations", 200).get("data"));
        assertEquals(new JsonArray(), get("/api/services/nobody/operations", 200).get("data"));

        JsonArray operations = get("/api/operations?service=checkout", 200).getAsJsonArray("data");
        assertEquals(2, operations.size());
        assertEquals(operation("GET /users/{id}", "client"), operations.get(0));
        assertEquals(operation("POST /orders", "server"), operations.get(1));
        JsonObject servers = get("/api/operations?service=checkout&spanKind=server", 200);
        assertEquals(1, servers.get("total").getAsInt());
        assertEquals(operation("POST /orders", "server"), servers.getAsJsonArray("data").get(0));
        assertError(get("/api/operations", 400), 400, "parameter 'service' is required");
    }

    @Test
    void traceByIdIsJaegersModelFieldByField() {
        JsonObject body = get("/api/traces/" + TRACE, 200);
        assertEquals(1, body.get("total").getAsInt());
        assertTrue(body.get("errors").isJsonNull());
        JsonObject trace = body.getAsJsonArray("data").get(0).getAsJsonObject();
        assertEquals(Set.of("traceID", "spans", "processes", "warnings"), trace.keySet());
        assertEquals(TRACE, trace.get("traceID").getAsString());
        assertTrue(trace.get("warnings").isJsonNull());
        JsonArray spans = trace.getAsJsonArray("spans");
        assertEquals(2, spans.size());

        JsonObject root = spans.get(0).getAsJsonObject();
        assertEquals(Set.of("traceID", "spanID", "operationName", "references", "startTime", "duration", "tags",
                "logs", "processID", "warnings"), root.keySet());
        assertEquals(TRACE, root.get("traceID").getAsString());
        assertEquals(ROOT, root.get("spanID").getAsString());
        assertEquals("POST /orders", root.get("operationName").getAsString());
        assertEquals(new JsonArray(), root.get("references"));
        assertEquals(BASE_MICROS - 1000, root.get("startTime").getAsLong());
        assertEquals(100_000, root.get("duration").getAsLong());
        assertEquals(List.of(tag("otel.scope.name", "string", "test"), tag("span.kind", "string", "server")),
                list(root.getAsJsonArray("tags")));
        assertEquals(new JsonArray(), root.get("logs"));
        assertEquals("p1", root.get("processID").getAsString());
        assertTrue(root.get("warnings").isJsonNull());

        JsonObject call = spans.get(1).getAsJsonObject();
        assertEquals(CALL, call.get("spanID").getAsString());
        assertEquals("GET /users/{id}", call.get("operationName").getAsString());
        assertEquals(List.of(reference("CHILD_OF", TRACE, ROOT), reference("FOLLOWS_FROM", LINKED_TRACE, LINKED_SPAN)),
                list(call.getAsJsonArray("references")));
        assertEquals(BASE_MICROS, call.get("startTime").getAsLong());
        assertEquals(42_000, call.get("duration").getAsLong());
        List<JsonElement> tags = list(call.getAsJsonArray("tags"));
        assertEquals(List.of(
                tag("http.request.method", "string", "GET"),
                tag("server.address", "string", "users.internal"),
                tag("server.port", "int64", 8443),
                tag("url.template", "string", "/users/{id}"),
                tag("http.response.status_code", "int64", 503),
                tag("url.full", "string", "https://users.internal:8443/users/7"),
                tag("retry.ratio", "float64", 0.5),
                tag("cache.hit", "bool", false),
                tag("otel.scope.name", "string", "test"),
                tag("span.kind", "string", "client"),
                tag("otel.status_code", "string", "ERROR"),
                tag("error", "bool", true),
                tag("otel.status_description", "string", "boom")), tags);
        JsonObject log = call.getAsJsonArray("logs").get(0).getAsJsonObject();
        assertEquals(Set.of("timestamp", "fields"), log.keySet());
        assertEquals(BASE_MICROS + 41_000, log.get("timestamp").getAsLong());
        assertEquals(List.of(tag("event", "string", "exception"),
                tag("exception.type", "string", "java.net.SocketTimeoutException")), list(log.getAsJsonArray("fields")));
        assertEquals("p1", call.get("processID").getAsString());

        JsonObject processes = trace.getAsJsonObject("processes");
        assertEquals(Set.of("p1"), processes.keySet());
        JsonObject process = processes.getAsJsonObject("p1");
        assertEquals(Set.of("serviceName", "tags"), process.keySet());
        assertEquals("checkout", process.get("serviceName").getAsString());
        assertEquals(List.of(tag("host.name", "string", "box1")), list(process.getAsJsonArray("tags")));
    }

    @Test
    void unknownAndInvalidTraceIdsAnswerAsJaegerDoes() {
        HttpResponse<String> missing = Http.get(jaeger("/api/traces/" + "1".repeat(32)));
        assertEquals(404, missing.statusCode());
        assertEquals(JsonParser.parseString(
                "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":404,\"msg\":\"trace not found\"}]}"),
                JsonParser.parseString(missing.body()));
        assertEquals(400, Http.get(jaeger("/api/traces/xyz")).statusCode());
        assertEquals(400, Http.get(jaeger("/api/traces/" + "0".repeat(32))).statusCode());

        JsonObject shortId = get("/api/traces/a3ce929d0e0e4737", 200);
        assertEquals(OTHER_TRACE, shortId.getAsJsonArray("data").get(0).getAsJsonObject().get("traceID").getAsString());
    }

    @Test
    void searchByServiceOperationTagsDurationAndTime() {
        assertEquals(List.of(OTHER_TRACE, TRACE), traceIds("service=checkout" + WINDOW));
        JsonObject found = get("/api/traces?service=checkout" + WINDOW, 200);
        assertEquals(2, found.get("total").getAsInt());
        assertEquals(Set.of("data", "total", "limit", "offset", "errors"), found.keySet());
        // A match returns the whole trace, not only the matching span.
        assertEquals(2, found.getAsJsonArray("data").get(1).getAsJsonObject().getAsJsonArray("spans").size());

        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&tags="
                + encode("{\"http.response.status_code\":\"503\"}")));
        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&tags=" + encode("{\"error\":\"true\"}")));
        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&tags="
                + encode("{\"host.name\":\"box1\",\"span.kind\":\"server\"}")));
        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&tag=" + encode("retry.ratio:0.5")));
        assertEquals(List.of(), traceIds("service=checkout" + WINDOW + "&tags=" + encode("{\"error\":\"false\"}")));
        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&operation=" + encode("POST /orders")));
        assertEquals(List.of(TRACE), traceIds("service=checkout" + WINDOW + "&minDuration=50ms"));
        assertEquals(List.of(OTHER_TRACE, TRACE), traceIds("service=checkout" + WINDOW + "&maxDuration=0.05s"));
        assertEquals(List.of(), traceIds("service=checkout" + WINDOW + "&minDuration=1.5s"));
        assertEquals(List.of(OTHER_TRACE), traceIds("service=checkout" + WINDOW + "&limit=1"));
        assertEquals(List.of(TRACE), traceIds("service=checkout&start=" + (BASE_MICROS - 1_000_000)
                + "&end=" + (BASE_MICROS + 500_000)));
        assertEquals(List.of("6bf92f3577b34da6a3ce929d0e0e4738"), traceIds("service=billing" + WINDOW));
        assertEquals("<img src=x onerror=alert(1)>", get("/api/traces?service=billing" + WINDOW, 200)
                .getAsJsonArray("data").get(0).getAsJsonObject().getAsJsonArray("spans").get(0).getAsJsonObject()
                .get("operationName").getAsString());

        assertEquals(new TreeSet<>(List.of(TRACE, OTHER_TRACE)),
                new TreeSet<>(traceIds("traceID=" + TRACE + "&traceID=a3ce929d0e0e4737")));

        assertError(get("/api/traces" + WINDOW.replaceFirst("&", "?"), 400), 400, "parameter 'service' is required");
        assertEquals(400, Http.get(jaeger("/api/traces?service=checkout&minDuration=fast")).statusCode());
        assertError(get("/api/traces?service=checkout&minDuration=2s&maxDuration=1s", 400), 400,
                "'maxDuration' should be greater than 'minDuration'");
        assertEquals(400, Http.get(jaeger("/api/traces?service=checkout&tags=notjson")).statusCode());
        assertEquals(400, Http.get(jaeger("/api/traces?service=checkout&limit=0")).statusCode());
        assertEquals(400, Http.get(jaeger("/api/traces?service=checkout&start=yesterday")).statusCode());
    }

    @Test
    void lookbackReachesBackFromNowWhenNoStartIsGiven() {
        long now = System.currentTimeMillis() * 1_000_000;
        String recent = "7bf92f3577b34da6a3ce929d0e0e4731";
        String older = "7bf92f3577b34da6a3ce929d0e0e4732";
        post(Otlp.traces("lookback", Otlp.clientSpan(recent, "00f067aa0ba90211", 200).toBuilder()
                .setStartTimeUnixNano(now - 60_000_000_000L).setEndTimeUnixNano(now - 59_000_000_000L).build(),
                Otlp.clientSpan(older, "00f067aa0ba90212", 200).toBuilder()
                        .setStartTimeUnixNano(now - 7_200_000_000_000L).setEndTimeUnixNano(now - 7_199_000_000_000L)
                        .build()));
        TestCollectors.awaitSearchable(collector, "lookback", recent, older);
        assertEquals(List.of(recent), traceIds("service=lookback&lookback=1h"));
        assertEquals(List.of(recent, older), traceIds("service=lookback&lookback=3h"));
        assertEquals(List.of(recent, older), traceIds("service=lookback"));
    }

    private static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    private static ExportTraceServiceRequest request(String service, List<KeyValue> resource, Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(Otlp.attr("service.name", service))
                        .addAllAttributes(resource))
                .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("test"))
                        .addAllSpans(List.of(spans))))
                .build();
    }

    private void post(ExportTraceServiceRequest request) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                request.toByteArray());
        assertEquals(200, response.statusCode(), response.body());
    }

    private String jaeger(String path) {
        return collector.webEndpoint() + "/jaeger" + path;
    }

    private JsonObject get(String path, int status) {
        HttpResponse<String> response = Http.get(jaeger(path));
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private List<String> traceIds(String query) {
        List<String> ids = new ArrayList<>();
        get("/api/traces?" + query, 200).getAsJsonArray("data")
                .forEach(trace -> ids.add(trace.getAsJsonObject().get("traceID").getAsString()));
        return ids;
    }

    private static void assertError(JsonObject body, int code, String message) {
        assertTrue(body.get("data").isJsonNull(), body.toString());
        assertEquals(0, body.get("total").getAsInt());
        JsonArray errors = body.getAsJsonArray("errors");
        assertEquals(1, errors.size());
        assertEquals(code, errors.get(0).getAsJsonObject().get("code").getAsInt());
        assertEquals(message, errors.get(0).getAsJsonObject().get("msg").getAsString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonArray strings(String... values) {
        JsonArray array = new JsonArray();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }

    private static List<JsonElement> list(JsonArray array) {
        return array.asList();
    }

    private static JsonObject operation(String name, String spanKind) {
        JsonObject operation = new JsonObject();
        operation.addProperty("name", name);
        operation.addProperty("spanKind", spanKind);
        return operation;
    }

    private static JsonObject reference(String type, String traceId, String spanId) {
        JsonObject reference = new JsonObject();
        reference.addProperty("refType", type);
        reference.addProperty("traceID", traceId);
        reference.addProperty("spanID", spanId);
        return reference;
    }

    private static JsonObject tag(String key, String type, Object value) {
        JsonObject tag = new JsonObject();
        tag.addProperty("key", key);
        tag.addProperty("type", type);
        if (value instanceof Boolean bool) {
            tag.addProperty("value", bool);
        } else if (value instanceof Number number) {
            tag.addProperty("value", number);
        } else {
            tag.addProperty("value", (String) value);
        }
        return tag;
    }
}
