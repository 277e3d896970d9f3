package dev.callsight.collector.ingest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Decodes OTLP/HTTP bodies. Binary protobuf is parsed as is. OTLP JSON differs from protobuf's canonical JSON in
 * one way that matters: trace and span IDs are hex strings, not base64, so they are rewritten before
 * {@link JsonFormat} parses the body. JsonFormat already accepts camelCase and snake_case field names and enum
 * values as names or integers; unknown fields are ignored, as the OTLP specification asks of receivers.
 */
final class OtlpDecoder {

    private static final Set<String> ID_FIELDS =
            Set.of("traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id");

    private final JsonFormat.Parser jsonParser = JsonFormat.parser().ignoringUnknownFields();

    ExportTraceServiceRequest decodeTraces(byte[] body, OtlpEncoding encoding) throws RequestRejectedException {
        ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
        merge(body, encoding, builder, "ExportTraceServiceRequest");
        return builder.build();
    }

    ExportMetricsServiceRequest decodeMetrics(byte[] body, OtlpEncoding encoding) throws RequestRejectedException {
        ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
        merge(body, encoding, builder, "ExportMetricsServiceRequest");
        return builder.build();
    }

    private void merge(byte[] body, OtlpEncoding encoding, Message.Builder builder, String typeName)
            throws RequestRejectedException {
        try {
            if (encoding == OtlpEncoding.PROTOBUF) {
                builder.mergeFrom(body);
            } else {
                JsonElement tree = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
                if (!tree.isJsonObject()) {
                    throw new InvalidProtocolBufferException("expected a JSON object");
                }
                hexIdsToBase64(tree);
                jsonParser.merge(tree.toString(), builder);
            }
        } catch (InvalidProtocolBufferException | JsonParseException | IllegalArgumentException e) {
            throw new RequestRejectedException(400, RejectReason.MALFORMED, "invalid OTLP "
                    + (encoding == OtlpEncoding.PROTOBUF ? "protobuf" : "JSON") + " for " + typeName + ": "
                    + e.getMessage());
        }
    }

    private static void hexIdsToBase64(JsonElement element) {
        if (element.isJsonArray()) {
            element.getAsJsonArray().forEach(OtlpDecoder::hexIdsToBase64);
        } else if (element.isJsonObject()) {
            JsonObject object = element.getAsJsonObject();
            for (Map.Entry<String, JsonElement> field : object.entrySet()) {
                JsonElement value = field.getValue();
                if (ID_FIELDS.contains(field.getKey()) && value.isJsonPrimitive()
                        && value.getAsJsonPrimitive().isString()) {
                    field.setValue(new JsonPrimitive(hexToBase64(field.getKey(), value.getAsString())));
                } else {
                    hexIdsToBase64(value);
                }
            }
        }
    }

    private static String hexToBase64(String field, String hex) {
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + hex + "' is not a hex string", e);
        }
    }
}
