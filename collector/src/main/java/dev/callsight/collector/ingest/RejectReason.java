package dev.callsight.collector.ingest;

/** Values of the {@code reason} label on rejected ingest requests. */
final class RejectReason {

    static final String TOO_LARGE = "too_large";
    static final String MALFORMED = "malformed";
    static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    static final String OVERLOADED = "overloaded";

    private RejectReason() {
    }
}
