package dev.callsight.agent.core.export;

import dev.callsight.agent.core.SdkInternals;

/** What the OTLP exporter says about an export that failed: the collector's status, or the I/O error. */
final class ExportFailure {

    static final int NO_STATUS = -1;

    private ExportFailure() {}

    /** The HTTP status the collector answered with, or {@link #NO_STATUS} when it gave none. */
    static int httpStatus(Throwable failure) {
        int status = SdkInternals.exportFailureStatus(failure);
        return status < 0 ? NO_STATUS : status;
    }

    /** Short text for the agent's log line, e.g. "HTTP 503" or "java.net.ConnectException". */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "export timed out or was refused";
        }
        int status = httpStatus(failure);
        if (status != NO_STATUS) {
            return "HTTP " + status;
        }
        Throwable cause = failure.getCause() == null ? failure : failure.getCause();
        return cause.getMessage() == null ? cause.getClass().getName() : cause.getClass().getName() + ": " + cause.getMessage();
    }
}
