package dev.callsight.agent.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.core.policy.RetryBudgetPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000_000L);

    @Test
    void retriesAreBoundedByTheRatioPlusTheReserve() {
        RetryBudget budget = new RetryBudget(RetryBudgetPolicy.builder().ratio(0.2).minPerSecond(1).window(Duration.ofSeconds(10)).build(), now::get);
        for (int i = 0; i < 100; i++) {
            budget.recordCall();
        }
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += budget.tryAcquireRetry() ? 1 : 0;
        }
        assertEquals(30, granted, "0.2 × 100 calls + 1/s × 10 s");
    }

    @Test
    void theBudgetRefillsAsTheWindowMoves() {
        RetryBudget budget = new RetryBudget(RetryBudgetPolicy.builder().ratio(0).minPerSecond(1).window(Duration.ofSeconds(2)).build(), now::get);
        assertTrue(budget.tryAcquireRetry());
        assertTrue(budget.tryAcquireRetry());
        assertFalse(budget.tryAcquireRetry());
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertTrue(budget.tryAcquireRetry());
    }
}
