package dev.callsight.e2e.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;

/**
 * One OTLP protobuf trace export with a known trace ID: {@code spans} client spans of that trace, each carrying
 * {@code paddingBytes} of attribute text so a test can choose how large the request is.
 */
public record OtlpBatch(String traceId, int spans, byte[] protobuf) {

    public static final String CONTENT_TYPE = "application/x-protobuf";

    /** A trace ID that names the sender and its batch: 32 hex digits, never all zero. */
    public static String traceId(int sender, int batch) {
        return String.format("%08x%08x%016x", 0xca11_0000 + sender, batch + 1, System.nanoTime());
    }

    public static OtlpBatch of(String service, String traceId, int spans, int paddingBytes) {
        String padding = "p".repeat(paddingBytes);
        ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("e2e"));
        long start = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < spans; i++) {
            scope.addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId)))
                    .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(String.format("%016x", i + 1L))))
                    .setName("GET /items/{id}")
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(start + i)
                    .setEndTimeUnixNano(start + i + 1_000_000)
                    .addAttributes(attribute("http.request.method", "GET"))
                    .addAttributes(attribute("server.address", "items.internal"))
                    .addAttributes(attribute("url.template", "/items/{id}"))
                    .addAttributes(attribute("padding", padding)));
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attribute("service.name", service)))
                        .addScopeSpans(scope))
                .build();
        return new OtlpBatch(traceId, spans, request.toByteArray());
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
