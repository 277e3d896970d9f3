package dev.callsight.collector.slo;

import java.time.Instant;
import java.util.Map;

/**
 * One SLO as evaluated at one instant: its calls over the SLO window and over each burn window, and what follows
 * from them. The error budget counts events: (1 − target) × calls in the window may be bad, so it stays right when
 * traffic is uneven.
 */
public record SloStatus(SloDefinition slo, Instant evaluatedAt, Instant windowStart, SliCounts window,
        Map<BurnWindow, SliCounts> burnWindows) {

    public SloStatus {
        burnWindows = Map.copyOf(burnWindows);
    }

    /** Good / total over the SLO window; NaN without calls. */
    public double sli() {
        return window.ratio();
    }

    /** How many bad calls the window's traffic allows. */
    public double allowedBad() {
        return slo.errorBudget().doubleValue() * window.total();
    }

    /** 1 when nothing is spent, 0 when all is, negative when overspent; 1 without calls. */
    public double budgetRemaining() {
        return window.total() == 0 ? 1 : 1 - window.bad() / allowedBad();
    }

    /** How fast the window spends budget: 1 spends exactly all of it over the SLO window; 0 without calls. */
    public double burnRate(BurnWindow burnWindow) {
        SliCounts counts = burnWindows.get(burnWindow);
        return counts.total() == 0 ? 0 : ((double) counts.bad() / counts.total()) / slo.errorBudget().doubleValue();
    }

    /**
     * Whether the tier's alert condition holds: enabled for this SLO, and for one of its window pairs both windows
     * burn faster than the factor while the long window holds at least the low-traffic minimum of calls.
     */
    public boolean breaches(AlertTier tier) {
        if (!slo.alerting().enabled(tier)) {
            return false;
        }
        for (AlertTier.Condition condition : tier.conditions()) {
            double factor = condition.factor().doubleValue();
            if (burnWindows.get(condition.longWindow()).total() >= slo.alerting().minEvents()
                    && burnRate(condition.longWindow()) > factor && burnRate(condition.shortWindow()) > factor) {
                return true;
            }
        }
        return false;
    }
}
