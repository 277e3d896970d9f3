package dev.callsight.collector.slo;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One SLO. {@code target} is a fraction strictly between 0 and 1 (0.999 for 99.9 %), kept exact so generated
 * rules print the thresholds a person would write.
 */
public record SloDefinition(String name, String description, Selector selector, Sli sli, BigDecimal target,
        SloWindow window, AlertPolicy alerting) {

    public SloDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(sli, "sli");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(alerting, "alerting");
        if (target.signum() <= 0 || target.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("target must be above 0 and below 100%: " + target);
        }
        description = description == null ? "" : description;
    }

    /** The share of calls allowed to be bad: 1 − target. */
    public BigDecimal errorBudget() {
        return BigDecimal.ONE.subtract(target);
    }
}
