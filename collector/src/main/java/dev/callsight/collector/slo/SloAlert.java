package dev.callsight.collector.slo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One alert an SLO can raise, the same whether the collector or Prometheus (generated rules) evaluates it: one of
 * the four burn-rate tiers, or {@link NoDataAlert no data}. {@link #key()} names its state in the store.
 */
public sealed interface SloAlert permits AlertTier, NoDataAlert {

    /** {@code page-fast} … {@code ticket-slow}, {@code no-data}: unique among an SLO's alerts. */
    String key();

    /** The {@code alertname} label. */
    String alertName();

    /** The {@code severity} label: {@code page} or {@code ticket}. */
    String severity();

    /** Whether the SLO raises this alert at all. */
    boolean enabled(SloDefinition slo);

    /** One line for a notification's title. */
    String summary(SloDefinition slo);

    /** What the alert stands for, so a person knows how urgent it is without looking up the scheme. */
    String description(SloDefinition slo);

    /** Labels besides {@code alertname} and {@code slo}. */
    Map<String, String> extraLabels();

    /** Every label of the alert, as Alertmanager and the generated rules carry them. */
    default Map<String, String> labels(SloDefinition slo) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertName());
        labels.put("slo", slo.name());
        labels.put("severity", severity());
        labels.putAll(extraLabels());
        return labels;
    }

    /**
     * Every alert, in the order the API and the rules list them. A method, not a constant: the enums that implement
     * this interface initialise it first, so a constant would see their values before they exist.
     */
    static List<SloAlert> all() {
        return Stream.<SloAlert>concat(Stream.of(AlertTier.values()), Stream.of(NoDataAlert.values())).toList();
    }

    static Optional<SloAlert> byKey(String key) {
        return all().stream().filter(alert -> alert.key().equals(key)).findFirst();
    }
}
