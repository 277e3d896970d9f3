package dev.callsight.collector.slo;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The multiwindow multi-burn-rate scheme of the Google SRE Workbook: a tier fires when, for either of its
 * conditions, both windows burn faster than the factor.
 */
public enum AlertTier {
    PAGE(List.of(new Condition(new BigDecimal("14.4"), BurnWindow.H1, BurnWindow.M5),
            new Condition(new BigDecimal("6"), BurnWindow.H6, BurnWindow.M30))),
    TICKET(List.of(new Condition(new BigDecimal("3"), BurnWindow.D1, BurnWindow.H2),
            new Condition(BigDecimal.ONE, BurnWindow.D3, BurnWindow.H6)));

    /** The alert's name, the same whether the collector or Prometheus (generated rules) evaluates it. */
    public static final String ALERT_NAME = "CallsightSloErrorBudgetBurn";

    /** Fires when the long and the short window both burn faster than {@code factor}. */
    public record Condition(BigDecimal factor, BurnWindow longWindow, BurnWindow shortWindow) {
    }

    private final List<Condition> conditions;

    AlertTier(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<Condition> conditions() {
        return conditions;
    }

    /** One line for a notification's title. */
    public String summary(SloDefinition slo) {
        return "SLO " + slo.name() + " is burning its error budget too fast (" + severity() + ")";
    }

    /** Which conditions the alert stands for, so a person knows how urgent it is without looking up the scheme. */
    public String description(SloDefinition slo) {
        StringBuilder text = new StringBuilder("Bad calls exceed the target ")
                .append(slo.target().movePointRight(2).stripTrailingZeros().toPlainString()).append("% over ")
                .append(slo.window().label()).append(" at a burn rate above ");
        for (int i = 0; i < conditions.size(); i++) {
            Condition condition = conditions.get(i);
            text.append(i == 0 ? "" : ", or above ").append(condition.factor().toPlainString()).append("x over ")
                    .append(condition.longWindow().label()).append(" and ").append(condition.shortWindow().label());
        }
        return text.append(" (at least ").append(slo.alerting().minEvents()).append(" calls in the long window).")
                .toString();
    }

    /** The {@code severity} label: {@code page} or {@code ticket}. */
    public String severity() {
        return name().toLowerCase(Locale.ROOT);
    }
}
