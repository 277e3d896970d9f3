package dev.callsight.collector.slo;

import java.time.Instant;

/** An alert to tell Alertmanager about: firing since {@code startsAt}, or resolved at {@code at}. */
public record AlertNotice(SloDefinition slo, SloAlert alert, boolean firing, Instant startsAt, Instant at) {
}
