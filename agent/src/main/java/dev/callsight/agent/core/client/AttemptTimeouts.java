package dev.callsight.agent.core.client;

/**
 * The connect and read timeouts one attempt goes out with: the policy's where it asks for less
 * than the application's, and never past what is left of the deadline, so a silent upstream
 * ends the attempt with the client's own timeout exactly at the deadline. Remembers which limit
 * was the deadline, so that timeout is recorded as one.
 */
public final class AttemptTimeouts {

    private final int connectMillis;
    private final int readMillis;
    private final boolean connectIsDeadline;
    private final boolean readIsDeadline;

    private AttemptTimeouts(int connectMillis, int readMillis, boolean connectIsDeadline, boolean readIsDeadline) {
        this.connectMillis = connectMillis;
        this.readMillis = readMillis;
        this.connectIsDeadline = connectIsDeadline;
        this.readIsDeadline = readIsDeadline;
    }

    /** @param applicationConnectMillis the application's connect timeout, 0 or less for none; likewise read */
    public static AttemptTimeouts of(LogicalCall call, int applicationConnectMillis, int applicationReadMillis) {
        int connect = call.connectTimeoutMillis(applicationConnectMillis);
        int read = call.readTimeoutMillis(applicationReadMillis);
        long remaining = call.remainingDeadlineMillis();
        int cappedConnect = capped(connect, remaining);
        int cappedRead = capped(read, remaining);
        return new AttemptTimeouts(cappedConnect, cappedRead, cappedConnect != connect, cappedRead != read);
    }

    /** The connect timeout to set; 0 for none. */
    public int connectMillis() {
        return connectMillis;
    }

    /** The read timeout (longest wait between bytes) to set; 0 for none. */
    public int readMillis() {
        return readMillis;
    }

    /** Which limit an attempt that failed with {@code error} ran into; null when it is no timeout. */
    public TimeoutKind kindOf(Throwable error) {
        TimeoutKind kind = TimeoutKind.of(error);
        if ((kind == TimeoutKind.CONNECT && connectIsDeadline) || (kind == TimeoutKind.READ && readIsDeadline)) {
            return TimeoutKind.DEADLINE;
        }
        return kind;
    }

    private static int capped(int millis, long remainingDeadline) {
        if (remainingDeadline == Long.MAX_VALUE || (millis > 0 && millis <= remainingDeadline)) {
            return Math.max(0, millis);
        }
        return (int) Math.min(Integer.MAX_VALUE, remainingDeadline);
    }
}
