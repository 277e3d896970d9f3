package dev.callsight.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polling for what another process does in its own time, bounded by a patience. */
final class Eventually {

    private Eventually() {}

    /** Polls every 200 ms until the probe answers non-null, for at most {@code patience}. */
    static <T> T get(Callable<T> probe, String what, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
