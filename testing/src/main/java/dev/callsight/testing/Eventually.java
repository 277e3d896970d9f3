package dev.callsight.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Polling for what another thread or process does in its own time, bounded by a patience. The one way tests wait:
 * when the patience runs out the failure says what was awaited and, where given, what was seen last.
 */
public final class Eventually {

    private static final Duration POLL = Duration.ofMillis(100);

    private Eventually() {}

    /** Polls until the probe answers non-null, for at most {@code patience}; returns that answer. */
    public static <T> T get(Callable<T> probe, String what, Duration patience) throws Exception {
        return get(probe, what, () -> "", patience);
    }

    /**
     * Polls until the probe answers non-null, for at most {@code patience}; returns that answer. On timeout the
     * failure carries {@code diagnostics}, read then (the last response seen, a log).
     */
    public static <T> T get(Callable<T> probe, String what, Supplier<String> diagnostics, Duration patience)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                String seen = diagnostics.get();
                throw new AssertionError("not seen within " + patience.toMillis() + " ms: " + what
                        + (seen.isEmpty() ? "" : "\n" + seen));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Polls until the condition holds, for at most {@code patience}. */
    public static void until(Callable<Boolean> condition, String what, Supplier<String> diagnostics,
            Duration patience) throws Exception {
        get(() -> condition.call() ? Boolean.TRUE : null, what, diagnostics, patience);
    }
}
