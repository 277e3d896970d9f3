package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.TimeUnit;

/**
 * Spaces one signal's exports while the collector throttles them. The OTLP sender already waits out
 * each {@code Retry-After} between the attempts of one export, but once an export has used up its
 * attempts or its timeout the next batch would go straight out. After an export that ended in 429
 * or 503 the next one waits 2 s, doubling to 30 s while the collector keeps refusing; any export
 * that gets through ends the pause. Only the agent's export thread waits; spans arriving meanwhile
 * queue, up to the queue's bound.
 */
final class ThrottlePause {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private long pauseNanos;
    private long resumeAtNanos;

    /** Waits, on the export thread, until the collector's last refusal has been given its pause. */
    void awaitTurn() {
        long waitNanos;
        synchronized (this) {
            waitNanos = pauseNanos == 0 ? 0 : resumeAtNanos - System.nanoTime();
        }
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes the outcome of an export once it is known. */
    void record(CompletableResultCode result) {
        synchronized (this) {
            if (result.isSuccess()) {
                pauseNanos = 0;
            } else if (throttled(result.getFailureThrowable())) {
                pauseNanos = pauseNanos == 0 ? FIRST_PAUSE_NANOS : Math.min(pauseNanos * 2, LONGEST_PAUSE_NANOS);
                resumeAtNanos = System.nanoTime() + pauseNanos;
            }
        }
    }

    private static boolean throttled(Throwable failure) {
        int status = ExportFailure.httpStatus(failure);
        return status == 429 || status == 503;
    }
}
