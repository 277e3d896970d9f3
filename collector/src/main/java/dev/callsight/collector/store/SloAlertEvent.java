package dev.callsight.collector.store;

import java.time.Instant;

/** An alert tier that started or stopped firing, with the burn rates (a JSON object by window) that decided it. */
public record SloAlertEvent(String slo, String severity, boolean firing, Instant at, String burnRatesJson) {
}
