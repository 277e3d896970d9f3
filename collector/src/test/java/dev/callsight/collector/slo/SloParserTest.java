package dev.callsight.collector.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.config.ConfigException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SloParserTest {

    private final SloParser parser = new SloParser();

    @Test
    void readsTheDocumentedExample() throws ConfigException {
        List<SloDefinition> slos = parser.parse("""
                slos:
                  - name: payments-charge-availability
                    selector: { service: checkout, peer: "payments.internal:443", route: "/charge/{id}", method: POST }
                    sli: success
                    target: 99.9%
                    window: 30d
                  - name: payments-charge-latency
                    selector: { service: checkout, peer: "payments.internal:443" }
                    sli: { latency: { threshold: 300ms } }
                    target: 99%
                    window: calendar-month
                    alerting: { page: false, minEvents: 20 }
                """, "slos.yaml");

        assertEquals(List.of(
                new SloDefinition("payments-charge-availability", "",
                        new Selector("checkout", "payments.internal", 443, "/charge/{id}", "POST"),
                        new Sli.Success(Set.of()), new BigDecimal("0.999"),
                        new SloWindow.Rolling(Duration.ofDays(30)), AlertPolicy.DEFAULT),
                new SloDefinition("payments-charge-latency", "",
                        new Selector("checkout", "payments.internal", 443, null, null),
                        new Sli.Latency(Duration.ofMillis(300)), new BigDecimal("0.99"),
                        new SloWindow.Calendar(ChronoUnit.MONTHS), new AlertPolicy(false, true, 20))), slos);
    }

    @Test
    void perCallSelectsTheLogicalCalls() throws ConfigException {
        List<SloDefinition> slos = parser.parse("""
                slos:
                  - name: checkout-gets-paid
                    selector: { service: checkout, peer: "payments.internal:443" }
                    per: call
                    sli: success
                    target: 99.9%
                    window: 30d
                """, "slos.yaml");
        assertEquals(new Selector("checkout", "payments.internal", 443, null, null, CallKind.CALL),
                slos.get(0).selector());
        assertEquals("call", slos.get(0).selector().per());
    }

    @Test
    void readsOpenSloDocuments() throws ConfigException {
        List<SloDefinition> slos = parser.parse("""
                apiVersion: openslo/v1
                kind: SLO
                metadata:
                  name: users-found
                  displayName: Users are found
                spec:
                  description: Lookups answer 200 or 404
                  service: checkout
                  budgetingMethod: Occurrences
                  indicator:
                    metadata: { name: users-found-ratio }
                    spec:
                      ratioMetric:
                        counter: true
                        good:
                          metricSource:
                            type: callsight
                            spec: { peer: "users.internal:8443", route: "/users/{id}", goodStatus: [200, 404] }
                        total:
                          metricSource:
                            type: callsight
                            spec: { peer: "users.internal:8443", route: "/users/{id}" }
                  timeWindow:
                    - duration: 28d
                      isRolling: true
                  objectives:
                    - displayName: good
                      target: 0.995
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: users-fast }
                spec:
                  service: checkout
                  budgetingMethod: Occurrences
                  indicator:
                    metadata: { name: users-latency }
                    spec:
                      thresholdMetric:
                        metricSource: { type: callsight, spec: { peer: users.internal } }
                  timeWindow:
                    - duration: 1w
                      isRolling: false
                      calendar: { startTime: "2026-01-05 00:00:00", timeZone: UTC }
                  objectives:
                    - op: lte
                      value: 0.1
                      targetPercent: 95
                """, "openslo.yaml");

        assertEquals(new SloDefinition("users-found", "Lookups answer 200 or 404",
                new Selector("checkout", "users.internal", 8443, "/users/{id}", null), new Sli.Success(Set.of(200, 404)),
                new BigDecimal("0.995"), new SloWindow.Rolling(Duration.ofDays(28)), AlertPolicy.DEFAULT), slos.get(0));
        assertEquals(new SloDefinition("users-fast", "", new Selector("checkout", "users.internal", null, null, null),
                new Sli.Latency(Duration.ofMillis(100)), new BigDecimal("0.95"),
                new SloWindow.Calendar(ChronoUnit.WEEKS), AlertPolicy.DEFAULT), slos.get(1));
    }

    @Test
    void aServerSelectorCountsTheRequestsAServiceAnswered() throws ConfigException {
        SloDefinition slo = parser.parse("""
                slos:
                  - name: checkout-api
                    selector: { service: checkout, kind: server, route: "/orders/{id}" }
                    sli: success
                    target: 99.9%
                    window: 30d
                """, "slos.yaml").get(0);

        assertEquals(new Selector("checkout", null, null, "/orders/{id}", null, CallKind.SERVER), slo.selector());
        CallKey served = new CallKey("checkout", "", 0, "/orders/{id}", "GET", 200, "", CallKind.SERVER);
        CallKey called = new CallKey("checkout", "orders.internal", 443, "/orders/{id}", "GET", 200, "", CallKind.CLIENT);
        assertEquals(true, slo.selector().matches(served));
        assertEquals(false, slo.selector().matches(called), "outbound calls are not the service's own requests");
        assertEquals(false, new Selector("checkout", null, null, null, null).matches(served),
                "a selector without kind keeps meaning outbound calls");
    }

    @Test
    void saysWhereAndWhyAFileIsWrong() {
        String valid = """
                slos:
                  - name: a
                    selector: { service: checkout }
                    sli: success
                    target: 99.9%
                    window: 30d
                """;
        assertError(valid.replace("99.9%", "100%"), "slos.yaml:5: 'target' must be a percentage");
        assertError(valid.replace("99.9%", "99.9"), "slos.yaml:5: 'target' must be a percentage");
        assertError(valid.replace("30d", "36h"), "slos.yaml:6: a window is whole days");
        assertError(valid.replace("30d", "soon"), "slos.yaml:6: 'soon' is not a duration");
        assertError(valid.replace("sli: success", "sli: succes"), "slos.yaml:4: 'sli' must be 'success'");
        assertError(valid.replace("sli: success", "sli: { latency: { threshold: 1ms } }"),
                "slos.yaml:4: latency threshold 1ms is below the smallest histogram bound");
        assertError(valid.replace("service: checkout", "servce: checkout"), "slos.yaml:3: unknown key 'servce'");
        assertError(valid.replace("name: a", "name: Payments!"), "slos.yaml:2: SLO name 'Payments!' must be");
        assertError(valid.replace("    window: 30d\n", ""), "slos.yaml:2: SLO 'a' needs 'window'");
        assertError(valid + valid.replace("slos:\n", ""), "slos.yaml:7: SLO name 'a' is already used on line 2");
        assertError(valid.replace("checkout }", "checkout "), "slos.yaml:4: not valid YAML");
        assertError("apiVersion: openslo/v1\nkind: Composite\n", "slos.yaml:2: OpenSLO kind 'Composite' is not supported");
        assertError(valid.replace("    window: 30d\n", "    window: 30d\n    alerting: { noDataAfter: 30s }\n"),
                "slos.yaml:7: 'noDataAfter' must be whole minutes from 1m to 3d, or off");
        assertError(valid.replace("service: checkout", "service: checkout, kind: inbound"),
                "slos.yaml:3: 'kind' must be client or server, not 'inbound'");
        assertError(valid.replace("service: checkout", "service: checkout, kind: server, peer: \"users:443\""),
                "slos.yaml:3: 'peer' cannot be set with kind: server");
        assertError(valid.replace("    sli: success", "    per: retry\n    sli: success"),
                "slos.yaml:4: 'per' must be attempt");
        assertError(valid.replace("service: checkout", "service: checkout, kind: server")
                .replace("    sli: success", "    per: call\n    sli: success"), "slos.yaml:4: 'per: call' is for outbound");
        assertError(valid.replace("service: checkout", "service: checkout, kind: call"),
                "slos.yaml:3: 'kind' must be client or server, not 'call'");
        // Found by SloParserFuzzTest: a tag the YAML composer rejects threw IllegalArgumentException.
        assertError("slos:\n  - !-%-0 x\n", "slos.yaml:2: not valid YAML: Tag must not contain leading or trailing");
    }

    /** Found by the fuzz tests: the YAML reader failed on a surrogate pair across its 1024-char buffer. */
    @Test
    void anEmojiAnywhereReads() throws Exception {
        for (int at = 1015; at < 1030; at++) {
            String text = "# " + "a".repeat(at - 2) + "\uD83D\uDE00\nslos:\n  - name: a\n    selector: { service: checkout }\n"
                    + "    sli: success\n    target: 99.9%\n    window: 30d\n";
            assertEquals("a", parser.parse(text, "slos.yaml").get(0).name());
        }
    }

    @Test
    void refusesDeepNestingWithALine() {
        String deep = "slos:\n  - " + "[".repeat(60) + "]".repeat(60) + "\n";
        assertError(deep, "slos.yaml:2: not valid YAML: nested more than 50 levels deep");
        assertError("slos: " + "[".repeat(100_000) + "]".repeat(100_000), "slos.yaml:1: not valid YAML: nested more than 50");
    }

    private void assertError(String text, String expectedStart) {
        ConfigException error = assertThrows(ConfigException.class, () -> parser.parse(text, "slos.yaml"));
        if (!error.getMessage().startsWith(expectedStart)) {
            throw new AssertionError("expected '" + expectedStart + "...' but was '" + error.getMessage() + "'");
        }
    }
}
