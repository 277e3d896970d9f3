package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.Programs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code rules} command as a user runs it, checked and unit-tested by promtool. */
@Timeout(120)
class SloRulesTest {

    @TempDir
    Path workDir;

    @Test
    void theShippedRulesAreWhatTheCommandWritesAndPassPromtool() throws Exception {
        Path promtool = Programs.require("promtool", "prometheus");
        Path shipped = Jvm.dashboards().resolve("prometheus");
        Path written = workDir.resolve("slo-rules.yml");

        Programs.Run rules = rules(shipped.resolve("slos.yaml").toString(), "--output", written.toString());
        assertEquals(0, rules.exitCode(), rules.output());
        assertEquals(Files.readString(shipped.resolve("slo-rules.yml")), Files.readString(written),
                "dashboards/prometheus/slo-rules.yml is out of date: regenerate it with "
                        + "`rules --slos dashboards/prometheus/slos.yaml -o dashboards/prometheus/slo-rules.yml`");

        Programs.Run check = Programs.run(List.of(promtool.toString(), "check", "rules", written.toString()));
        assertEquals(0, check.exitCode(), check.output());
        Programs.Run test = Programs.run(List.of(promtool.toString(), "test", "rules",
                shipped.resolve("slo-rules.test.yml").toString()));
        assertEquals(0, test.exitCode(), test.output());
    }

    @Test
    void theShippedSlosExportedAsOpenSloGiveTheSameRules() throws Exception {
        Path shipped = Jvm.dashboards().resolve("prometheus");
        Path exported = workDir.resolve("openslo.yaml");
        Programs.Run export = Programs.run(List.of(Jvm.java().toString(), "-jar", Jvm.collectorJar().toString(),
                "export", "--format", "openslo", "--slos", shipped.resolve("slos.yaml").toString(),
                "-o", exported.toString()));
        assertEquals(0, export.exitCode(), export.output());
        assertEquals(true, Files.readString(exported).contains("kind: AlertPolicy"), Files.readString(exported));

        Path written = workDir.resolve("slo-rules.yml");
        Programs.Run rules = rules(exported.toString(), "--output", written.toString());
        assertEquals(0, rules.exitCode(), rules.output());
        assertEquals(Files.readString(shipped.resolve("slo-rules.yml")), Files.readString(written),
                "the OpenSLO export must read back to the same SLOs, hence the same rules");
    }

    @Test
    void everyKindOfSloGivesRulesPrometheusAccepts() throws Exception {
        Path promtool = Programs.require("promtool", "prometheus");
        Path slos = workDir.resolve("slos.yaml");
        Files.writeString(slos, """
                slos:
                  - name: found
                    description: Lookups answer 200 or 404
                    selector: { service: "say \\"hi\\"", peer: users.internal, method: get }
                    sli: { success: { goodStatus: [200, 404] } }
                    target: 0.995
                    window: calendar-week
                    alerting: { page: false }
                  - name: fast
                    selector: { route: "/users/{id}" }
                    sli: { latency: { threshold: 1s } }
                    target: 95%
                    window: 7d
                    alerting: { ticket: false, minEvents: 0 }
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: open }
                spec:
                  service: checkout
                  budgetingMethod: Occurrences
                  indicator:
                    metadata: { name: open-ratio }
                    spec:
                      ratioMetric:
                        counter: true
                        good: { metricSource: { type: callsight, spec: { peer: "a:1" } } }
                        total: { metricSource: { type: callsight, spec: { peer: "a:1" } } }
                  timeWindow: [ { duration: 1M, isRolling: false } ]
                  objectives: [ { target: 0.9 } ]
                """, StandardCharsets.UTF_8);
        Programs.Run rules = rules(slos.toString());
        assertEquals(0, rules.exitCode(), rules.output());
        Path written = workDir.resolve("rules.yml");
        Files.writeString(written, rules.output());

        Programs.Run check = Programs.run(List.of(promtool.toString(), "check", "rules", written.toString()));
        assertEquals(0, check.exitCode(), check.output());
        // Three SLOs of 21 recording rules each; four burn tiers for "open", two each for the others (page or ticket
        // off), and a no-data alert each.
        assertEquals("Checking " + written + "\n  SUCCESS: 74 rules found\n\n", check.output());
    }

    @Test
    void theShippedAlertmanagerConfigsCarryTheInhibitRulesAndPassAmtool() throws Exception {
        Path amtool = Programs.require("amtool", "prometheus-alertmanager");
        Path shipped = Jvm.dashboards().resolve("alertmanager");
        String inhibitRules = Files.readString(shipped.resolve("inhibit-rules.yml"));
        String rules = inhibitRules.substring(inhibitRules.indexOf("inhibit_rules:"));
        assertEquals(true, Files.readString(shipped.resolve("alertmanager.yml")).endsWith(rules),
                "dashboards/alertmanager/alertmanager.yml must end with the rules of inhibit-rules.yml");
        Programs.Run check = Programs.run(List.of(amtool.toString(), "check-config",
                shipped.resolve("alertmanager.yml").toString()));
        assertEquals(0, check.exitCode(), check.output());
        assertEquals(true, check.output().contains("1 inhibit rules"), check.output());
    }

    @Test
    void anInvalidFileIsReportedWithFileLineAndReason() throws Exception {
        Path slos = workDir.resolve("slos.yaml");
        Files.writeString(slos, "slos:\n  - name: x\n    selector: { service: a }\n    sli: success\n"
                + "    target: 99.9%\n    window: 30d\n    alerting: { page: maybe }\n");
        Programs.Run rules = rules(slos.toString());
        assertEquals(1, rules.exitCode(), rules.output());
        assertEquals("invalid SLO file " + slos + ":7: expected true or false, not 'maybe'\n", rules.output());
    }

    private static Programs.Run rules(String slos, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.java().toString(), "-jar",
                Jvm.collectorJar().toString(), "rules", "--slos", slos));
        command.addAll(List.of(flags));
        return Programs.run(command);
    }
}
