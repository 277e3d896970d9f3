package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.slo.AlertTier;
import dev.callsight.collector.slo.BurnWindow;
import dev.callsight.collector.slo.NoDataAlert;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.slo.SloStatus;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/**
 * SLO gauges from the last evaluation; an SLI or budget without calls in its window is left out rather than shown as
 * NaN or as a full budget, and {@code callsight_slo_no_data} says when the SLO is blind.
 */
public final class SloMetrics extends Collector {

    private final SloMonitor monitor;

    public SloMetrics(SloMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        SloMonitor.Snapshot snapshot = monitor.snapshot();
        GaugeMetricFamily sli = new GaugeMetricFamily("callsight_slo_sli_ratio",
                "Share of good calls, over the SLO window and over each burn-rate window.", List.of("slo", "window"));
        GaugeMetricFamily budget = new GaugeMetricFamily("callsight_slo_error_budget_remaining_ratio",
                "Share of the error budget left in the SLO window (negative when overspent).", List.of("slo"));
        GaugeMetricFamily burn = new GaugeMetricFamily("callsight_slo_burn_rate",
                "Error budget burn rate per window (1 spends the budget exactly over the SLO window).",
                List.of("slo", "window"));
        GaugeMetricFamily firing = new GaugeMetricFamily("callsight_slo_alert_firing",
                "1 while the SLO's alert of this severity fires (any of its burn tiers), as the collector evaluates it.",
                List.of("slo", "severity"));
        GaugeMetricFamily tierFiring = new GaugeMetricFamily("callsight_slo_burn_tier_firing",
                "1 while the SLO's alert of this burn tier fires, as the collector evaluates it.",
                List.of("slo", "burn_tier", "severity"));
        GaugeMetricFamily noData = new GaugeMetricFamily("callsight_slo_no_data",
                "1 while no call has matched the SLO's selector for its no-data silence (the SLO is blind).",
                List.of("slo"));
        GaugeMetricFamily target = new GaugeMetricFamily("callsight_slo_target_ratio", "The SLO's target.",
                List.of("slo"));
        for (SloStatus status : snapshot.statuses()) {
            String name = status.slo().name();
            addDefined(sli, List.of(name, status.slo().window().label()), status.sli());
            for (BurnWindow window : BurnWindow.values()) {
                addDefined(sli, List.of(name, window.label()), status.burnWindows().get(window).ratio());
                burn.addMetric(List.of(name, window.label()), status.burnRate(window));
            }
            addDefined(budget, List.of(name), status.budgetRemaining());
            for (String severity : List.of("page", "ticket")) {
                boolean any = false;
                for (AlertTier tier : AlertTier.values()) {
                    any |= tier.severity().equals(severity) && snapshot.alert(name, tier).firing();
                }
                firing.addMetric(List.of(name, severity), any ? 1 : 0);
            }
            for (AlertTier tier : AlertTier.values()) {
                tierFiring.addMetric(List.of(name, tier.key(), tier.severity()),
                        snapshot.alert(name, tier).firing() ? 1 : 0);
            }
            noData.addMetric(List.of(name), snapshot.alert(name, NoDataAlert.NO_DATA).firing() ? 1 : 0);
            target.addMetric(List.of(name), status.slo().target().doubleValue());
        }
        GaugeMetricFamily took = new GaugeMetricFamily("callsight_slo_evaluation_duration_seconds",
                "How long the last SLO evaluation took.", snapshot.took().toNanos() / 1e9);
        return List.of(sli, budget, burn, firing, tierFiring, noData, target, took);
    }

    private static void addDefined(GaugeMetricFamily family, List<String> labels, double value) {
        if (!Double.isNaN(value)) {
            family.addMetric(labels, value);
        }
    }
}
