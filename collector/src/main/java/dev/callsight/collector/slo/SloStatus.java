package dev.callsight.collector.slo;

import java.time.Instant;
import java.util.Map;

/**
 * One SLO as evaluated at one instant: its calls over the SLO window and over each burn window, and what follows
 * from them. The error budget counts events: (1 − target) × calls in the window may be bad, so it stays right when
 * traffic is uneven. {@code recent} holds the calls of the SLO's no-data silence ({@code noDataAfter}) up to now,
 * zero when the SLO has no no-data alert.
 */
public record SloStatus(SloDefinition slo, Instant evaluatedAt, Instant windowStart, SliCounts window,
        Map<BurnWindow, SliCounts> burnWindows, SliCounts recent) {

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

    /** 1 when nothing is spent, 0 when all is, negative when overspent; NaN without calls, which say nothing. */
    public double budgetRemaining() {
        return window.total() == 0 ? Double.NaN : 1 - window.bad() / allowedBad();
    }

    /** Whether no call matched the selector over the whole no-data silence (the SLO may be blind). */
    public boolean silent() {
        return slo.alerting().noDataAfter() != null && recent.total() == 0;
    }

    /** How fast the window spends budget: 1 spends exactly all of it over the SLO window; 0 without calls. */
    public double burnRate(BurnWindow burnWindow) {
        SliCounts counts = burnWindows.get(burnWindow);
        return counts.total() == 0 ? 0 : ((double) counts.bad() / counts.total()) / slo.errorBudget().doubleValue();
    }

    /**
     * Whether the tier's alert condition holds: enabled for this SLO, and both its windows burn faster than its
     * factor while the long window holds at least the low-traffic minimum of calls.
     */
    public boolean breaches(AlertTier tier) {
        if (!tier.enabled(slo)) {
            return false;
        }
        AlertTier.Condition condition = tier.condition();
        double factor = condition.factor().doubleValue();
        return burnWindows.get(condition.longWindow()).total() >= slo.alerting().minEvents()
                && burnRate(condition.longWindow()) > factor && burnRate(condition.shortWindow()) > factor;
    }
}
