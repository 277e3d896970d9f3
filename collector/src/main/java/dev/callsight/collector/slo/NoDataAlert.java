package dev.callsight.collector.slo;

import dev.callsight.config.Durations;
import java.util.Map;

/**
 * A blind SLO: its selector has matched no calls for {@link AlertPolicy#noDataAfter()} (a renamed service, a route
 * that vanished, an agent that stopped exporting), so its SLI and budget say nothing and must not read as healthy.
 * A ticket: something needs fixing, but no user is known to suffer.
 */
public enum NoDataAlert implements SloAlert {
    NO_DATA;

    /** Distinct from the burn alerts' name, so routing and inhibition can tell them apart. */
    public static final String ALERT_NAME = "CallsightSloNoData";

    @Override
    public String key() {
        return "no-data";
    }

    @Override
    public String alertName() {
        return ALERT_NAME;
    }

    @Override
    public String severity() {
        return "ticket";
    }

    @Override
    public boolean enabled(SloDefinition slo) {
        return slo.alerting().noDataAfter() != null;
    }

    @Override
    public Map<String, String> extraLabels() {
        return Map.of();
    }

    @Override
    public String summary(SloDefinition slo) {
        return "SLO " + slo.name() + " has no data";
    }

    @Override
    public String description(SloDefinition slo) {
        return "No call has matched the SLO's selector for " + Durations.format(slo.alerting().noDataAfter())
                + ": check that the service, peer and route still exist and that its agents still export.";
    }
}
