package dev.callsight.collector.store;

import java.time.Instant;

/**
 * An alert that started or stopped firing, with the burn rates (a JSON object by window) that decided it.
 * {@code alert} is empty for events recorded before alerts had burn tiers.
 */
public record SloAlertEvent(String slo, String alert, String severity, boolean firing, Instant at,
        String burnRatesJson) {
}
