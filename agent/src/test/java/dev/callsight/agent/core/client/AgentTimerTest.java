package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentTimerTest {

    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final AgentTimer timer = new AgentTimer();

    @Test
    void anAlarmRingsOnceItsDelayHasPassedAndWithinATickOrSo() throws InterruptedException {
        CountDownLatch rung = new CountDownLatch(1);
        AtomicLong rungAt = new AtomicLong();
        long setAt = System.nanoTime();
        timer.alarm(50 * MILLI, () -> {
            rungAt.set(System.nanoTime());
            rung.countDown();
        });
        assertTrue(rung.await(10, TimeUnit.SECONDS));
        long waited = rungAt.get() - setAt;
        assertTrue(waited >= 50 * MILLI, "rang after " + waited / MILLI + " ms");
        // A tick late at most, with room for a slow machine's scheduling.
        assertTrue(waited < 50 * MILLI + AgentTimer.TICK_NANOS + 500 * MILLI, "rang after " + waited / MILLI + " ms");
    }

    @Test
    void aCancelledAlarmNeverRings() throws InterruptedException {
        AtomicBoolean cancelledRang = new AtomicBoolean();
        Alarm cancelled = timer.alarm(20 * MILLI, () -> cancelledRang.set(true));
        cancelled.cancel();
        CountDownLatch later = new CountDownLatch(1);
        timer.alarm(80 * MILLI, later::countDown);
        // The sweep that rings the later alarm has passed the cancelled one's time.
        assertTrue(later.await(10, TimeUnit.SECONDS));
        assertFalse(cancelledRang.get());
    }

    @Test
    void aMovedAlarmRingsAtItsNewTime() throws InterruptedException {
        CountDownLatch moved = new CountDownLatch(1);
        long setAt = System.nanoTime();
        AtomicLong movedRangAt = new AtomicLong();
        Alarm alarm = timer.alarm(20 * MILLI, () -> {
            movedRangAt.set(System.nanoTime());
            moved.countDown();
        });
        alarm.moveTo(300 * MILLI);
        CountDownLatch probe = new CountDownLatch(1);
        timer.alarm(100 * MILLI, probe::countDown);
        assertTrue(probe.await(10, TimeUnit.SECONDS));
        assertEquals(1, moved.getCount(), "rang at its old time");
        assertTrue(moved.await(10, TimeUnit.SECONDS));
        assertTrue(movedRangAt.get() - setAt >= 300 * MILLI);
    }

    @Test
    void alarmsSetAfterTheTimerWentIdleStillRing() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            CountDownLatch rung = new CountDownLatch(1);
            timer.alarm(i % 3 == 0 ? 0 : i * MILLI, rung::countDown);
            assertTrue(rung.await(10, TimeUnit.SECONDS), "alarm " + i + " did not ring");
        }
    }

    @Test
    void fromManyThreadsEverySetAlarmRingsOnceAndNoCancelledOneDoes() throws Exception {
        int threads = 8;
        int perThread = 50_000;
        AtomicInteger cancelledRang = new AtomicInteger();
        AtomicInteger keptRang = new AtomicInteger();
        CountDownLatch allKept = new CountDownLatch(threads * (perThread / 1000));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (i % 1000 == 0) {
                            timer.alarm((i % 7) * MILLI, () -> {
                                keptRang.incrementAndGet();
                                allKept.countDown();
                            });
                        } else {
                            // Due long after the thread cancels it, however the threads are scheduled.
                            timer.alarm(1000 * MILLI, cancelledRang::incrementAndGet).cancel();
                        }
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get(60, TimeUnit.SECONDS);
            }
            assertTrue(allKept.await(30, TimeUnit.SECONDS), allKept.getCount() + " alarms never rang");
            // Every cancelled alarm was due before this one; its sweep has passed them all.
            CountDownLatch last = new CountDownLatch(1);
            timer.alarm(1100 * MILLI, last::countDown);
            assertTrue(last.await(10, TimeUnit.SECONDS));
            assertEquals(threads * (perThread / 1000), keptRang.get());
            assertEquals(0, cancelledRang.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingAlarmDoesNotStopTheOthers() throws InterruptedException {
        timer.alarm(0, () -> {
            throw new IllegalStateException("expected by the test");
        });
        CountDownLatch rung = new CountDownLatch(1);
        timer.alarm(30 * MILLI, rung::countDown);
        assertTrue(rung.await(10, TimeUnit.SECONDS));
    }
}
