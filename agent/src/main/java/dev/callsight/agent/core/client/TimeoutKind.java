package dev.callsight.agent.core.client;

import java.io.InterruptedIOException;
import java.util.Locale;

/** Which limit a timed-out attempt ran into. */
public enum TimeoutKind {
    CONNECT, READ, DEADLINE;

    public String attributeValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What an exception says about the limit it hit, for glue that does not know better:
     * socket-level timeouts are InterruptedIOExceptions (SocketTimeoutException, Apache's
     * ConnectTimeoutException, OkHttp's call timeout), named or worded after what ran out.
     *
     * @return null when the error is no timeout
     */
    public static TimeoutKind of(Throwable error) {
        if (!(error instanceof InterruptedIOException) && (error == null || !error.getClass().getName().endsWith("TimeoutException"))) {
            return null;
        }
        String name = error.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (name.contains("connect") || message.contains("connect")) {
            return CONNECT;
        }
        if (message.contains("read") || name.equals("sockettimeoutexception")) {
            return READ;
        }
        return DEADLINE;
    }
}
