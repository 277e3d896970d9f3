package dev.callsight.collector.slo;

import java.time.Duration;

/** The windows burn rates are measured over, as the multiwindow alerts pair them. */
public enum BurnWindow {
    M5("5m", Duration.ofMinutes(5)),
    M30("30m", Duration.ofMinutes(30)),
    H1("1h", Duration.ofHours(1)),
    H2("2h", Duration.ofHours(2)),
    H6("6h", Duration.ofHours(6)),
    D1("1d", Duration.ofDays(1)),
    D3("3d", Duration.ofDays(3));

    private final String label;
    private final Duration length;

    BurnWindow(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    /** Also a valid PromQL range: {@code 5m}, {@code 1d}. */
    public String label() {
        return label;
    }

    public Duration length() {
        return length;
    }
}
