package dev.callsight.collector.ingest;

import com.google.protobuf.ByteString;
import dev.callsight.collector.aggregate.InvalidTelemetryException;
import dev.callsight.collector.aggregate.OtlpAttributes;
import dev.callsight.collector.aggregate.RouteShapes;
import dev.callsight.collector.store.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns OTLP spans into stored rows, pulling the HTTP client fields out of the attributes (current semantic
 * convention names first, the older ones as fallback). Rejects spans whose IDs break the OTLP data model.
 */
public final class SpanRecordMapper {

    private final AttributesJson attributesJson;

    /** @param maxAttributeLength characters kept of each stored attribute value */
    public SpanRecordMapper(int maxAttributeLength) {
        this.attributesJson = new AttributesJson(maxAttributeLength);
    }

    public List<SpanRecord> map(ExportTraceServiceRequest request) {
        List<SpanRecord> records = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            List<KeyValue> resource = resourceSpans.getResource().getAttributesList();
            String service = OtlpAttributes.string(resource, "service.name").orElse("");
            String resourceJson = attributesJson.toJson(resource);
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    records.add(map(span, service, scopeSpans.getScope().getName(), resourceJson));
                }
            }
        }
        return records;
    }

    private SpanRecord map(Span span, String service, String scope, String resourceJson) {
        List<KeyValue> attributes = span.getAttributesList();
        return new SpanRecord(
                id(span, "trace_id", span.getTraceId(), 16),
                id(span, "span_id", span.getSpanId(), 8),
                span.getParentSpanId().isEmpty() ? null : id(span, "parent_span_id", span.getParentSpanId(), 8),
                service,
                scope,
                attributesJson.truncate(span.getName()),
                span.getKindValue(),
                span.getStartTimeUnixNano(),
                span.getEndTimeUnixNano(),
                span.getStatus().getCodeValue(),
                attributesJson.truncate(span.getStatus().getMessage()),
                string(attributes, "http.request.method", "http.method"),
                string(attributes, "server.address", "net.peer.name"),
                integer(attributes, "server.port", "net.peer.port"),
                route(attributes),
                integer(attributes, "http.response.status_code", "http.status_code"),
                string(attributes, "error.type"),
                integer(attributes, "http.request.resend_count", "http.resend_count"),
                attributesJson.toJson(attributes),
                resourceJson,
                attributesJson.linksJson(span.getLinksList()),
                attributesJson.eventsJson(span.getEventsList()));
    }

    private static String id(Span span, String field, ByteString bytes, int length) {
        if (bytes.size() != length || bytes.equals(ByteString.copyFrom(new byte[length]))) {
            throw new InvalidTelemetryException("span '" + span.getName() + "' has an invalid " + field + ": "
                    + bytes.size() + " bytes" + (bytes.size() == length ? ", all zero" : "")
                    + " (expected " + length + " non-zero bytes)");
        }
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    /** Collapsed as the rollups collapse it, so a route found in the rollups finds its spans. */
    private static String route(List<KeyValue> attributes) {
        String route = string(attributes, "url.template", "http.route");
        return route == null ? null : RouteShapes.collapse(route);
    }

    /** The first of the keys present, as text. */
    private static String string(List<KeyValue> attributes, String... keys) {
        for (String key : keys) {
            Optional<String> value = OtlpAttributes.string(attributes, key);
            if (value.isPresent()) {
                return value.get();
            }
        }
        return null;
    }

    /** The first of the keys present, as an integer. */
    private static Integer integer(List<KeyValue> attributes, String... keys) {
        for (String key : keys) {
            Optional<Long> value = OtlpAttributes.integer(attributes, key);
            if (value.isPresent()) {
                return value.get().intValue();
            }
        }
        return null;
    }
}
