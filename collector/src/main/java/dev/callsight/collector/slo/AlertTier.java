package dev.callsight.collector.slo;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * The multiwindow multi-burn-rate scheme of the Google SRE Workbook, one alert per window pair: a tier fires when
 * its long and its short window both burn faster than its factor. Each carries {@code severity} (page or ticket)
 * and {@code burn_tier} ({@code page-fast} …), so Alertmanager can inhibit an SLO's ticket while its page fires.
 */
public enum AlertTier implements SloAlert {
    PAGE_FAST("page", new Condition(new BigDecimal("14.4"), BurnWindow.H1, BurnWindow.M5)),
    PAGE_SLOW("page", new Condition(new BigDecimal("6"), BurnWindow.H6, BurnWindow.M30)),
    TICKET_FAST("ticket", new Condition(new BigDecimal("3"), BurnWindow.D1, BurnWindow.H2)),
    TICKET_SLOW("ticket", new Condition(BigDecimal.ONE, BurnWindow.D3, BurnWindow.H6));

    /** The alert's name, the same whether the collector or Prometheus (generated rules) evaluates it. */
    public static final String ALERT_NAME = "CallsightSloErrorBudgetBurn";

    /** The label that names the tier. */
    public static final String TIER_LABEL = "burn_tier";

    /** Fires when the long and the short window both burn faster than {@code factor}. */
    public record Condition(BigDecimal factor, BurnWindow longWindow, BurnWindow shortWindow) {
    }

    private final String severity;
    private final Condition condition;

    AlertTier(String severity, Condition condition) {
        this.severity = severity;
        this.condition = condition;
    }

    public Condition condition() {
        return condition;
    }

    @Override
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String alertName() {
        return ALERT_NAME;
    }

    @Override
    public String severity() {
        return severity;
    }

    @Override
    public boolean enabled(SloDefinition slo) {
        return slo.alerting().enabled(this);
    }

    @Override
    public Map<String, String> extraLabels() {
        return Map.of(TIER_LABEL, key());
    }

    @Override
    public String summary(SloDefinition slo) {
        return "SLO " + slo.name() + " is burning its error budget too fast (" + key() + ")";
    }

    @Override
    public String description(SloDefinition slo) {
        return "Bad calls exceed the target " + slo.target().movePointRight(2).stripTrailingZeros().toPlainString()
                + "% over " + slo.window().label() + " at a burn rate above " + condition.factor().toPlainString()
                + "x over " + condition.longWindow().label() + " and " + condition.shortWindow().label()
                + " (at least " + slo.alerting().minEvents() + " calls in the long window).";
    }
}
