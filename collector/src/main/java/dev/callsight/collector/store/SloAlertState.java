package dev.callsight.collector.store;

import java.time.Instant;

/**
 * Whether one alert of an SLO fires ({@code alert} a burn tier such as {@code page-fast}, or {@code no-data}), and
 * since when it has or has not.
 */
public record SloAlertState(String slo, String alert, boolean firing, Instant since) {
}
