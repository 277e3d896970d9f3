package dev.callsight.agent.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.core.policy.CircuitBreakerPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<String> changes = new ArrayList<>();
    private final CircuitBreaker.Transitions record = (from, to) -> changes.add(from + "->" + to);
    private final CircuitBreaker breaker = new CircuitBreaker(
            CircuitBreakerPolicy.builder().failureRateThreshold(0.5).minimumCalls(4).window(Duration.ofSeconds(30))
                    .openFor(Duration.ofSeconds(10)).halfOpenCalls(2).build(), now::get);

    @Test
    void opensAtTheThresholdOnceEnoughCallsWereMade() {
        call(false);
        call(true);
        call(true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "3 calls are fewer than minimumCalls");
        call(false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "2 of 4 failed: 50 %");
        assertFalse(breaker.tryAcquire(record));
        assertEquals(List.of("CLOSED->OPEN"), changes);
    }

    @Test
    void halfOpensAfterOpenForAndClosesWhenTrialsSucceed() {
        tripOpen();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(breaker.tryAcquire(record));
        assertTrue(breaker.tryAcquire(record));
        assertFalse(breaker.tryAcquire(record), "only halfOpenCalls trial calls");
        breaker.record(false, record);
        breaker.record(false, record);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), changes);
        call(true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "the old failures were forgotten");
    }

    @Test
    void reopensWhenTrialsFail() {
        tripOpen();
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertTrue(breaker.tryAcquire(record));
        assertTrue(breaker.tryAcquire(record));
        breaker.record(true, record);
        breaker.record(false, record);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(record));
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

    private void tripOpen() {
        for (int i = 0; i < 4; i++) {
            call(true);
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }

    private void call(boolean failed) {
        assertTrue(breaker.tryAcquire(record));
        breaker.record(failed, record);
    }
}
