package dev.callsight.collector.slo;

/**
 * Which alert tiers an SLO has, and the low-traffic guard: a tier's condition only counts when its long window
 * holds at least {@code minEvents} calls, so one failure in a quiet hour does not page.
 */
public record AlertPolicy(boolean page, boolean ticket, long minEvents) {

    public static final long DEFAULT_MIN_EVENTS = 100;

    public static final AlertPolicy DEFAULT = new AlertPolicy(true, true, DEFAULT_MIN_EVENTS);

    public boolean enabled(AlertTier tier) {
        return tier == AlertTier.PAGE ? page : ticket;
    }
}
