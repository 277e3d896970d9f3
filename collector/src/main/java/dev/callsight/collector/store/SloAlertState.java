package dev.callsight.collector.store;

import java.time.Instant;

/** Whether one alert tier ({@code severity} page or ticket) of an SLO fires, and since when it has or has not. */
public record SloAlertState(String slo, String severity, boolean firing, Instant since) {
}
