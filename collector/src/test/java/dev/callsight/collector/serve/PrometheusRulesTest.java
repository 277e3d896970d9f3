package dev.callsight.collector.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.slo.AlertPolicy;
import dev.callsight.collector.slo.Selector;
import dev.callsight.collector.slo.Sli;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusRulesTest {

    @Test
    void aServerSloIsWrittenOverTheServerHistogramWithoutPeerLabels() {
        String rules = new PrometheusRules().render(List.of(new SloDefinition("checkout-api", "",
                new Selector("checkout", null, null, "/orders/{id}", "GET", CallKind.SERVER), new Sli.Success(Set.of()),
                new BigDecimal("0.999"), new SloWindow.Rolling(Duration.ofDays(30)), AlertPolicy.DEFAULT)),
                "http://collector/slos/");

        assertTrue(rules.contains("http_server_request_duration_seconds_count{service_name=\"checkout\","
                + "http_route=\"/orders/{id}\",http_request_method=\"GET\"}"), rules);
        assertFalse(rules.contains("http_client_request_duration_seconds"), rules);
        assertFalse(rules.contains("server_address"), rules);
    }

    @Test
    void aClientSloStaysOnTheClientHistogram() {
        String rules = new PrometheusRules().render(List.of(new SloDefinition("users", "",
                new Selector("checkout", "users.internal", 443, null, null), new Sli.Latency(Duration.ofMillis(250)),
                new BigDecimal("0.99"), new SloWindow.Rolling(Duration.ofDays(30)), AlertPolicy.DEFAULT)),
                "http://collector/slos/");

        assertTrue(rules.contains("http_client_request_duration_seconds_bucket{service_name=\"checkout\","
                + "server_address=\"users.internal\",server_port=\"443\",le=\"0.25\"}"), rules);
        assertFalse(rules.contains("http_server_request_duration_seconds"), rules);
    }
}
