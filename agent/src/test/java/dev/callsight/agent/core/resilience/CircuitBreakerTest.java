package dev.callsight.agent.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.core.policy.CircuitBreakerPolicy;
import dev.callsight.testing.AtOnce;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<String> changes = new ArrayList<>();
    private final CircuitBreaker breaker = new CircuitBreaker(
            CircuitBreakerPolicy.builder().failureRateThreshold(0.5).minimumCalls(4).window(Duration.ofSeconds(30))
                    .openFor(Duration.ofSeconds(10)).halfOpenCalls(2).build(), now::get,
            (from, to) -> changes.add(from + "->" + to));

    @Test
    void opensAtTheThresholdOnceEnoughCallsWereMade() {
        call(false);
        call(true);
        call(true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "3 calls are fewer than minimumCalls");
        call(false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "2 of 4 failed: 50 %");
        assertFalse(breaker.tryAcquire());
        assertEquals(List.of("CLOSED->OPEN"), changes);
    }

    @Test
    void halfOpensAfterOpenForAndClosesWhenTrialsSucceed() {
        tripOpen();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.tryAcquire(), "only halfOpenCalls trial calls");
        breaker.record(false);
        breaker.record(false);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), changes);
        call(true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "the old failures were forgotten");
    }

    @Test
    void reopensWhenTrialsFail() {
        tripOpen();
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
        breaker.record(true);
        breaker.record(false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        call(true);
        call(true);
        call(true);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        call(false);
        call(false);
        call(false);
        call(true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "1 of the last 4 failed");
    }

    @Test
    void theCallWhoseOutcomeOpensTheCircuitIsTold() {
        call(true);
        call(true);
        assertTrue(breaker.tryAcquire());
        assertNull(breaker.record(false), "3 calls are fewer than minimumCalls");
        assertTrue(breaker.tryAcquire());
        CircuitBreaker.Transition opened = breaker.record(false);
        assertNotNull(opened, "2 of 4 failed");
        assertEquals(CircuitBreaker.State.CLOSED, opened.from());
        assertEquals(CircuitBreaker.State.OPEN, opened.to());
    }

    @Test
    void aSuccessOpensTheCircuitWhenOldSuccessesLeaveTheWindow() {
        call(false);
        call(false);
        call(false);
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        call(true);
        call(true);
        call(false);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "2 of 6 failed");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        call(false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "the first three left the window: 2 of 4 failed");
    }

    @Test
    void threadsFailingAtOnceOpenTheCircuitOnce() throws Exception {
        int threads = 4;
        List<CircuitBreaker.Transition> told = new CopyOnWriteArrayList<>();
        AtOnce.run(threads, Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 1_000 && breaker.tryAcquire(); i++) {
                CircuitBreaker.Transition changed = breaker.record(true);
                if (changed != null) {
                    told.add(changed);
                }
            }
            return null;
        });
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(1, told.size(), "one call is told it opened the circuit");
        assertEquals(List.of("CLOSED->OPEN"), changes);
    }

    private void tripOpen() {
        for (int i = 0; i < 4; i++) {
            call(true);
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }

    private void call(boolean failed) {
        assertTrue(breaker.tryAcquire());
        breaker.record(failed);
    }
}
