package dev.callsight.agent.core;

import java.util.concurrent.TimeUnit;

/**
 * The wait before a retry, on the thread that retries: the application's for a policy's retries, the export thread's
 * for the exporter's.
 */
public final class Backoff {

    private Backoff() {}

    /** Waits the backoff; false when the thread was interrupted, which ends the retries. */
    public static boolean sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
