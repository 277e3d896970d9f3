package dev.callsight.agent.core.export;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The spans handed to the batch processor that have not yet been handed to the exporter: what sits in
 * its queue and in the batch it is filling. Keeping this under the queue's capacity means the SDK's
 * queue never overflows unseen, so every span refused for lack of room is counted.
 */
final class SpanBacklog {

    private final AtomicLong pending = new AtomicLong();

    /** Takes a place for one span; false when {@code capacity} spans are already waiting. */
    boolean admit(long capacity) {
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Spans that reached the exporter, or left otherwise. */
    void left(long count) {
        pending.addAndGet(-count);
    }
}
