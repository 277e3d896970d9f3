package dev.callsight.collector.ingest;

/** An ingest request refused before anything was stored; carries the HTTP status and a metric reason. */
final class RequestRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    RequestRejectedException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
