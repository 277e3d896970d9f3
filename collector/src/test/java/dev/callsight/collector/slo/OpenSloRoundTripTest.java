package dev.callsight.collector.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.config.ConfigException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code export --format openslo} writes what the parser reads back to the same SLOs, and other tools' OpenSLO. */
class OpenSloRoundTripTest {

    private final SloParser parser = new SloParser();
    private final OpenSloWriter writer = new OpenSloWriter();

    @Test
    void theShippedExamplesSurviveTheRoundTrip() throws Exception {
        Path shipped = Path.of("..", "dashboards", "prometheus", "slos.yaml");
        List<SloDefinition> slos = parser.parse(Files.readString(shipped), shipped.toString());
        assertEquals(2, slos.size());
        assertEquals(slos, roundTrip(slos));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        List<SloDefinition> slos = parser.parse("""
                slos:
                  - name: found
                    description: "Lookups answer 200 or 404: 'quoted' text"
                    selector: { service: checkout, peer: users.internal, method: get }
                    sli: { success: { goodStatus: [404, 200] } }
                    target: 99.95%
                    window: calendar-week
                    alerting: { page: false, minEvents: 0, noDataAfter: off }
                  - name: fast
                    selector: { route: "/users/{id}" }
                    sli: { latency: { threshold: 300ms } }
                    target: 95%
                    window: 7d
                    alerting: { ticket: false, noDataAfter: 2h }
                  - name: callers-view
                    selector: { service: checkout, peer: "payments.internal:443" }
                    per: call
                    sli: { latency: { threshold: 2500ms } }
                    target: 99%
                    window: 30d
                  - name: served
                    selector: { service: checkout, kind: server, route: "/orders/{id}" }
                    sli: success
                    target: 0.999
                    window: calendar-month
                    alerting: { page: false, ticket: false }
                """, "slos.yaml");
        List<SloDefinition> back = roundTrip(slos);
        assertEquals(slos, back);
        assertEquals(CallKind.CALL, back.get(2).selector().kind());
        assertEquals(new AlertPolicy(false, false, 100, Duration.ofMinutes(30)), back.get(3).alerting());
        assertEquals(CallKind.SERVER, back.get(3).selector().kind());
    }

    @Test
    void readsTheCommonSubsetOtherToolsWrite() throws Exception {
        // As oslo, Nobl9 or a hand-written file put it: a Service, an SLI and an AlertPolicy by reference, an
        // AlertCondition by reference, severities named critical and warning, a percentage target, a calendar.
        List<SloDefinition> slos = parser.parse("""
                apiVersion: openslo/v1
                kind: Service
                metadata: { name: checkout, displayName: Checkout }
                spec: { description: The shop's checkout }
                ---
                apiVersion: openslo/v1
                kind: AlertCondition
                metadata: { name: fast-burn }
                spec:
                  severity: critical
                  condition: { kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m }
                ---
                apiVersion: openslo/v1
                kind: AlertNotificationTarget
                metadata: { name: on-call }
                spec: { target: pagerduty }
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata:
                  name: payments
                  displayName: Payments succeed
                  labels: { team: [ payments ] }
                spec:
                  service: checkout
                  indicatorRef: payments-ratio
                  budgetingMethod: Occurrences
                  timeWindow:
                    - duration: 1M
                      isRolling: false
                      calendar: { startTime: "2022-01-01 00:00:00", timeZone: UTC }
                  objectives: [ { displayName: Good, targetPercent: 99.5 } ]
                  alertPolicies:
                    - alertPolicyRef: payments-burn
                ---
                apiVersion: openslo/v1
                kind: SLI
                metadata: { name: payments-ratio }
                spec:
                  ratioMetric:
                    counter: true
                    good: { metricSource: { type: callsight, spec: { peer: "payments.internal:443" } } }
                    total: { metricSource: { type: callsight, spec: { peer: "payments.internal:443" } } }
                ---
                apiVersion: openslo/v1
                kind: AlertPolicy
                metadata: { name: payments-burn }
                spec:
                  alertWhenBreaching: true
                  conditions: [ { conditionRef: fast-burn } ]
                  notificationTargets: [ { targetRef: on-call } ]
                """, "openslo.yaml");
        assertEquals(List.of(new SloDefinition("payments", "",
                new Selector("checkout", "payments.internal", 443, null, null), new Sli.Success(Set.of()),
                new BigDecimal("0.995"), new SloWindow.Calendar(ChronoUnit.MONTHS),
                new AlertPolicy(true, false, AlertPolicy.DEFAULT_MIN_EVENTS))), slos);
    }

    @Test
    void aReferenceToNothingIsReportedWhereItIs() {
        ConfigException error = assertThrows(ConfigException.class, () -> parser.parse("""
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: lost }
                spec:
                  indicatorRef: missing
                  budgetingMethod: Occurrences
                  timeWindow: [ { duration: 30d, isRolling: true } ]
                  objectives: [ { target: 0.99 } ]
                """, "lost.yaml"));
        assertEquals("lost.yaml:5: 'indicatorRef' 'missing' names no OpenSLO SLI document in this file",
                error.getMessage());
    }

    @Test
    void theExportIsOpenSloV1() throws Exception {
        String written = writer.write(parser.parse("""
                slos:
                  - name: a
                    selector: { service: checkout }
                    sli: success
                    target: 99%
                    window: 30d
                """, "slos.yaml"));
        for (String kind : List.of("SLI", "AlertPolicy", "SLO")) {
            assertTrue(written.contains("apiVersion: openslo/v1\nkind: " + kind + "\n"), written);
        }
        assertTrue(written.contains("indicatorRef: a\n"), written);
        assertTrue(written.contains("- alertPolicyRef: a-page-fast\n"), written);
        assertFalse(written.contains("!!"), "no YAML type tags: " + written);
    }

    private List<SloDefinition> roundTrip(List<SloDefinition> slos) throws ConfigException {
        return parser.parse(writer.write(slos), "exported.yaml");
    }
}
