package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK as the agent builds it, exporting to a real local endpoint: spans go out as protobuf the agent writes and
 * sends itself, with the configured headers and the SDK's User-Agent.
 */
class SpanExportTest {

    private static final List<String> PROPERTIES = List.of("otel.exporter.otlp.endpoint",
            "otel.exporter.otlp.headers", "otel.metrics.exporter",
            "otel.service.name");

    private final ConcurrentLinkedQueue<Request> received = new ConcurrentLinkedQueue<>();
    private HttpServer collector;

    @BeforeEach
    void startCollector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(new Request(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("User-Agent"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort());
        System.setProperty("otel.exporter.otlp.headers", "Authorization=Bearer t0ken");
        System.setProperty("otel.metrics.exporter", "none");
        System.setProperty("otel.service.name", "checkout");
    }

    @AfterEach
    void stop() {
        PROPERTIES.forEach(System::clearProperty);
        collector.stop(0);
    }

    @Test
    void recordedAndSdkSpansReachAPlainCollectorAsTheAgentsProtobuf() throws Exception {
        TelemetryBootstrap.Sdk sdk = TelemetryBootstrap.build(new ExportDrops(), new CollectorContact(),
                new RootTraceIds());
        try {
            sdk.spans().start("GET", SpanKind.CLIENT, Context.root(), null).end();
            Span server = sdk.openTelemetry().getTracer("test").spanBuilder("POST /orders")
                    .setSpanKind(SpanKind.SERVER).startSpan();
            server.end();
            assertTrue(sdk.openTelemetry().getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
        } finally {
            sdk.openTelemetry().shutdown().join(10, TimeUnit.SECONDS);
        }

        List<Request> requests = List.copyOf(received);
        assertTrue(requests.size() >= 1, "at least one export");
        Request first = requests.get(0);
        assertEquals("application/x-protobuf", first.contentType);
        assertEquals("Bearer t0ken", first.authorization, "configured headers go along");
        assertTrue(first.userAgent.startsWith("OTel-OTLP-Exporter-Java/"), first.userAgent);
        Map<String, String> spans = requests.stream().flatMap(request -> parse(request.body).stream())
                .collect(Collectors.toMap(span -> span.getName(), span -> span.getKind().name()));
        assertEquals(Map.of("GET", "SPAN_KIND_CLIENT", "POST /orders", "SPAN_KIND_SERVER"), spans);
    }

    private static List<io.opentelemetry.proto.trace.v1.Span> parse(byte[] body) {
        try {
            return ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().stream()
                    .flatMap(resource -> resource.getScopeSpansList().stream())
                    .flatMap(scope -> scope.getSpansList().stream()).collect(Collectors.toList());
        } catch (IOException malformed) {
            throw new AssertionError("not an OTLP trace request", malformed);
        }
    }

    private static final class Request {
        final String contentType;
        final String authorization;
        final String userAgent;
        final byte[] body;

        Request(String contentType, String authorization, String userAgent, byte[] body) {
            this.contentType = contentType;
            this.authorization = authorization;
            this.userAgent = userAgent;
            this.body = body;
        }
    }
}
