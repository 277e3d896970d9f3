package dev.callsight.agent.core.client;

import java.util.concurrent.TimeUnit;

/** The wait before an agent retry on the application's own thread. */
public final class Backoff {

    private Backoff() {}

    /** Waits the backoff; false when the application's thread was interrupted, which ends the retries. */
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
