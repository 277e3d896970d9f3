package dev.callsight.collector.ingest;

import java.util.Locale;
import java.util.Optional;

/** The two OTLP/HTTP body encodings, chosen by Content-Type. */
enum OtlpEncoding {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private final String mediaType;

    OtlpEncoding(String mediaType) {
        this.mediaType = mediaType;
    }

    String mediaType() {
        return mediaType;
    }

    /** Matches the media type, ignoring case and parameters such as {@code charset}. */
    static Optional<OtlpEncoding> forContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        for (OtlpEncoding encoding : values()) {
            if (encoding.mediaType.equals(mediaType)) {
                return Optional.of(encoding);
            }
        }
        return Optional.empty();
    }
}
