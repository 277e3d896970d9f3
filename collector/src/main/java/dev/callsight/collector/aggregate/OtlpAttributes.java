package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Optional;

/** Typed reads of OTLP attributes, tolerant of numbers sent as strings and vice versa. */
public final class OtlpAttributes {

    private OtlpAttributes() {
    }

    public static Optional<AnyValue> value(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return Optional.of(kv.getValue());
            }
        }
        return Optional.empty();
    }

    public static Optional<String> string(List<KeyValue> attributes, String key) {
        return value(attributes, key).flatMap(v -> switch (v.getValueCase()) {
            case STRING_VALUE -> Optional.of(v.getStringValue());
            case INT_VALUE -> Optional.of(Long.toString(v.getIntValue()));
            default -> Optional.empty();
        });
    }

    public static Optional<Long> integer(List<KeyValue> attributes, String key) {
        return value(attributes, key).flatMap(v -> switch (v.getValueCase()) {
            case INT_VALUE -> Optional.of(v.getIntValue());
            case DOUBLE_VALUE -> Optional.of((long) v.getDoubleValue());
            case STRING_VALUE -> parseLong(v.getStringValue());
            default -> Optional.empty();
        });
    }

    /** A string attribute a point must carry, not empty; {@code what} names the point in the error. */
    public static String required(List<KeyValue> attributes, String key, String what) {
        return string(attributes, key).filter(value -> !value.isEmpty())
                .orElseThrow(() -> new InvalidTelemetryException(what + " point has no " + key + " attribute"));
    }

    /** The site of a server request: the service's own route and method, no peer. */
    public static CallSite serverSite(String service, List<KeyValue> attributes) {
        return new CallSite(service, "", 0, string(attributes, "http.route").orElse(""),
                string(attributes, "http.request.method").or(() -> string(attributes, "http.method")).orElse(""),
                CallKind.SERVER);
    }

    /** The call attributes of a metric point, current semantic-convention names first, then the older ones. */
    public static CallSite callSite(String service, List<KeyValue> attributes) {
        return callSite(service, attributes, CallKind.CLIENT);
    }

    /** As {@link #callSite(String, List)}, for outbound attempts ({@code client}) or logical calls ({@code call}). */
    public static CallSite callSite(String service, List<KeyValue> attributes, CallKind kind) {
        return new CallSite(
                service,
                string(attributes, "server.address").or(() -> string(attributes, "net.peer.name")).orElse(""),
                (int) integer(attributes, "server.port").or(() -> integer(attributes, "net.peer.port")).orElse(0L)
                        .longValue(),
                string(attributes, "url.template").or(() -> string(attributes, "http.route")).orElse(""),
                string(attributes, "http.request.method").or(() -> string(attributes, "http.method")).orElse(""),
                kind);
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
