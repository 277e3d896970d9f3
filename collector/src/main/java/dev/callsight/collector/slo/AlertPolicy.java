package dev.callsight.collector.slo;

import java.time.Duration;

/**
 * Which alert tiers an SLO has, and the low-traffic guard: a tier's condition only counts when its long window
 * holds at least {@code minEvents} calls, so one failure in a quiet hour does not page. {@code noDataAfter} is the
 * silence after which the SLO raises its no-data alert; null turns that alert off.
 */
public record AlertPolicy(boolean page, boolean ticket, long minEvents, Duration noDataAfter) {

    public static final long DEFAULT_MIN_EVENTS = 100;

    public static final Duration DEFAULT_NO_DATA_AFTER = Duration.ofMinutes(30);

    public static final AlertPolicy DEFAULT = new AlertPolicy(true, true, DEFAULT_MIN_EVENTS, DEFAULT_NO_DATA_AFTER);

    public AlertPolicy {
        if (noDataAfter != null && (noDataAfter.compareTo(Duration.ofMinutes(1)) < 0
                || !noDataAfter.equals(Duration.ofMinutes(noDataAfter.toMinutes())))) {
            throw new IllegalArgumentException("noDataAfter must be whole minutes, at least 1m: " + noDataAfter);
        }
    }

    /** With the default no-data silence. */
    public AlertPolicy(boolean page, boolean ticket, long minEvents) {
        this(page, ticket, minEvents, DEFAULT_NO_DATA_AFTER);
    }

    public boolean enabled(AlertTier tier) {
        return enabled(tier.severity());
    }

    /** Whether the SLO pages ({@code page}) or files tickets ({@code ticket}) on burn rates. */
    public boolean enabled(String severity) {
        return severity.equals("page") ? page : ticket;
    }
}
