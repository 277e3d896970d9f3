package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.e2e.support.AppCall;
import dev.callsight.e2e.support.Browser;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.FaultyUpstream;
import dev.callsight.e2e.support.InstrumentedApp;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's web UI in headless Chromium, over a collector fed by an agent-instrumented JVM: each page shows
 * the numbers the JSON API has, the search finds the trace, retries and timeouts are marked, and a span named like
 * markup stays text. Screenshots of each page land in {@code callsight.screenshots} (see docs/web-ui.md).
 */
class WebUiBrowserTest {

    private static final String SERVICE = "ui-app";
    private static final String STRICT_SLO = "checkout-availability";
    private static final String RELAXED_SLO = "checkout-relaxed";
    private static final String JAEGER_UI = "http://127.0.0.1:16686";
    private static final String XSS_NAME = "<img src=x onerror=alert(1)>";
    private static final String XSS_TRACE = "7bf92f3577b34da6a3ce929d0e0e4799";

    @TempDir
    Path workDir;

    @Test
    void everyPageShowsTheCollectorsNumbersAndSpanDataStaysText() throws Exception {
        Path screenshots = Path.of(System.getProperty("callsight.screenshots", workDir.resolve("shots").toString()));
        try (FaultyUpstream upstream = new FaultyUpstream();
                CollectorProcess collector = CollectorProcess.start(workDir.resolve("data"), "--slos", slos(upstream),
                        "--slo-interval", "1s", "--jaeger-ui", JAEGER_UI);
                Browser browser = Browser.start(workDir.resolve("profile"))) {
            InstrumentedApp.Result app = callThroughTheAgent(upstream, collector);
            assertTrue(app.output().stream().anyMatch(line -> line.startsWith("error|") && line.contains("/trickle/")),
                    app::describe);
            postXssSpan(collector);
            JsonObject totals = awaitSettled(collector);
            URI ui = collector.web().resolve("/ui/");

            // SLO overview: worst first, coloured, the API's numbers.
            JsonObject strict = json(collector, "/api/slos/" + STRICT_SLO);
            browser.open(ui.resolve("#/slos"));
            browser.awaitText("#slo-table tbody tr:first-child", text -> text.contains(STRICT_SLO));
            String firstRow = browser.element("#slo-table tbody tr:first-child");
            assertTrue(browser.attribute(firstRow, "class").contains("bad"), "the failing SLO is red");
            browser.awaitText("#slo-table tr[data-slo='" + STRICT_SLO + "'] .sli",
                    text -> text.equals(percent(strict.get("sliRatio").getAsDouble(), 3)));
            browser.awaitText("#slo-table tr[data-slo='" + STRICT_SLO + "'] .budget",
                    text -> text.equals(percent(strict.getAsJsonObject("errorBudget").get("remainingRatio").getAsDouble(), 1)));
            browser.awaitText("#slo-table tr[data-slo='" + RELAXED_SLO + "']", text -> text.contains("ok"));
            assertTrue(browser.attribute(browser.element("#slo-table tr[data-slo='" + RELAXED_SLO + "']"), "class")
                    .contains("good"));
            browser.screenshot(screenshots.resolve("slo-overview.png"));

            // SLO detail: SLI, burn rate per window with its alert rules, daily compliance, charts.
            browser.open(ui.resolve("#/slo/" + STRICT_SLO));
            browser.awaitText("#slo-sli", text -> text.startsWith(percent(strict.get("sliRatio").getAsDouble(), 3)));
            double burn = strict.getAsJsonObject("burnRates").getAsJsonObject("5m").get("burnRate").getAsDouble();
            browser.awaitText("#burn-table tr[data-window='5m'] .burn",
                    text -> text.equals(String.format(Locale.ROOT, "%.2f×", burn)));
            browser.awaitText("#burn-table tr[data-window='1h']", text -> text.contains("page-fast > 14.4×"));
            browser.awaitText("#daily-table tbody tr", text -> text.contains(String.valueOf(strict.get("calls").getAsLong())));
            assertEquals(3, browser.elements("#slo-charts canvas").size(), "SLI, budget burn-down and burn rate");
            // What burned the budget: the 503s, as the breakdown API ranks them, with a trace to open.
            JsonObject breakdown = json(collector, "/api/slos/" + STRICT_SLO + "/breakdown");
            browser.awaitText("#breakdown-table tbody tr:first-child .status", text -> text.equals("503"));
            browser.awaitText("#breakdown-table tbody tr:first-child .bad-calls", text -> text.equals(
                    breakdown.getAsJsonArray("causes").get(0).getAsJsonObject().get("badCalls").getAsString()));
            browser.awaitText("#tier-table tr[data-tier='page-fast'] .state", text -> text.equals("firing"));
            browser.screenshot(screenshots.resolve("slo-detail.png"));

            // Alerts: the strict SLO's page-fast tier firing, its bad calls and cause as /api/alerts has them.
            JsonObject firing = null;
            for (JsonElement item : json(collector, "/api/alerts").getAsJsonArray("alerts")) {
                JsonObject alert = item.getAsJsonObject();
                if (alert.get("slo").getAsString().equals(STRICT_SLO) && alert.get("alert").getAsString().equals("page-fast")) {
                    firing = alert;
                }
            }
            assertTrue(firing != null && firing.get("firing").getAsBoolean(), String.valueOf(firing));
            String badCalls = firing.get("badCalls").getAsString();
            browser.open(ui.resolve("#/alerts"));
            String alertRow = "#alerts-table tr[data-slo='" + STRICT_SLO + "'][data-alert='page-fast']";
            browser.awaitText(alertRow + " .state", text -> text.equals("firing"));
            browser.awaitText(alertRow + " .bad-calls", text -> text.equals(badCalls));
            browser.awaitText(alertRow + " .cause", text -> text.contains("503"));
            assertTrue(browser.elements("#alerts-table tr[data-slo='" + RELAXED_SLO + "']").isEmpty(),
                    "the relaxed SLO never fired");

            // Calls: totals as the API computes them over the same hour, four charts, a step leads to its traces.
            browser.open(ui.resolve("#/calls?service=" + SERVICE + "&range=3600"));
            browser.awaitText("#total-calls", text -> text.equals(totals.get("calls").getAsString()));
            browser.awaitText("#total-retries", text -> text.equals(totals.get("retries").getAsString()));
            browser.awaitText("#total-timeouts", text -> text.equals(totals.get("timeouts").getAsString()));
            browser.awaitText("#total-p95", text -> text.equals(millis(totals.get("p95").getAsDouble())));
            assertEquals(4, browser.elements("#calls-charts canvas").size(), "rate, errors, latency, retries");
            browser.screenshot(screenshots.resolve("calls.png"));
            browser.click(browser.element("#steps-table .example-traces"));
            browser.awaitText("#trace-results tbody tr", text -> text.contains(SERVICE));

            // A click on the rate chart's latest point leads to that minute's traces too.
            browser.open(ui.resolve("#/calls?service=" + SERVICE + "&range=900"));
            browser.awaitText("#total-calls", text -> text.equals(totals.get("calls").getAsString()));
            String plot = browser.element("#calls-charts .u-over");
            int halfWidth = browser.script("return Math.floor(document.querySelector('#calls-charts .u-over')"
                    + ".getBoundingClientRect().width / 2)").getAsInt();
            browser.clickAt(plot, halfWidth - 2);
            browser.awaitText("#trace-results tbody tr", text -> text.contains(SERVICE));

            // Trace search by status finds the failed calls' traces, and only those.
            String failedTrace = searchFirst(collector, "service=" + SERVICE + "&status=503");
            browser.open(ui.resolve("#/traces"));
            browser.type(browser.element("#search-service"), SERVICE);
            browser.type(browser.element("#search-status"), "503");
            browser.click(browser.element("#search-submit"));
            browser.awaitText("#trace-results tbody", text -> text.contains(failedTrace));
            for (String row : browser.elements("#trace-results tbody tr")) {
                assertTrue(browser.text(row).contains("503"), browser.text(row));
            }
            browser.screenshot(screenshots.resolve("traces.png"));

            // Trace view: the retry and the timeout are marked; Jaeger is one click away.
            String retried = trace(collector, span -> span.has("resendCount") && span.get("resendCount").getAsInt() > 0);
            browser.open(ui.resolve("#/trace/" + retried));
            browser.awaitText("#waterfall .retry", text -> text.equals("retry #1"));
            assertEquals(JAEGER_UI + "/trace/" + retried,
                    browser.attribute(browser.element("#jaeger-link"), "href"));
            // Its detail panel: the resend count, who retried, and the link to the first attempt.
            browser.click(browser.element("#waterfall .span:has(.retry)"));
            browser.awaitText("#span-facts dd[data-fact='Resend count']", text -> text.equals("1"));
            browser.awaitText("#span-facts dd[data-fact='Retry source']", text -> !text.isEmpty());
            assertEquals(1, browser.elements("#span-links li").size(), "the link to the first attempt");
            browser.screenshot(screenshots.resolve("trace.png"));
            String timedOut = trace(collector, span -> span.has("route") && span.get("route").getAsString().contains("trickle"));
            browser.open(ui.resolve("#/trace/" + timedOut));
            browser.awaitText("#waterfall .timeout", text -> text.equals("timeout: read"));

            // A span named like markup shows as text, in the trace view and in the search results.
            browser.open(ui.resolve("#/trace/" + XSS_TRACE));
            browser.awaitText("#waterfall .span-name", text -> text.equals(XSS_NAME));
            browser.click(browser.element("#waterfall .span"));
            browser.awaitText("#span-attributes", text -> text.contains("<script>alert(2)</script>"));
            browser.open(ui.resolve("#/traces?service=" + SERVICE));
            browser.awaitText("#trace-results tbody", text -> text.contains(XSS_NAME));
            assertEquals(0, browser.script("return document.querySelectorAll('main img, main script').length")
                    .getAsInt(), "no element made from span data");
            assertFalse(browser.alertOpen(), "no script from span data ran");
        }
    }

    private String slos(FaultyUpstream upstream) throws Exception {
        Path file = workDir.resolve("slos.yaml");
        String peer = upstream.uri("").getAuthority();
        Files.writeString(file, """
                slos:
                  - name: %s
                    description: Calls to the upstream succeed
                    selector: { service: %s, peer: "%s" }
                    sli: success
                    target: 99%%
                    window: 30d
                    alerting: { minEvents: 5 }
                  - name: %s
                    selector: { service: %s, peer: "%s" }
                    sli: success
                    target: 50%%
                    window: 30d
                """.formatted(STRICT_SLO, SERVICE, peer, RELAXED_SLO, SERVICE, peer));
        return file.toString();
    }

    /** Successes, 503s, one call the agent retries and one its read timeout ends. */
    private InstrumentedApp.Result callThroughTheAgent(FaultyUpstream upstream, CollectorProcess collector)
            throws Exception {
        Path policy = workDir.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n",
                "policies:",
                "  - match: { host: 127.0.0.1, path: \"/fail-then-ok/**\" }",
                "    retry: { maxAttempts: 3, initialBackoff: 20ms, on: [503] }",
                "  - match: { host: 127.0.0.1, path: \"/trickle/**\" }",
                "    timeouts: { read: 300ms }") + "\n");
        List<AppCall> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(AppCall.of("jdk", "GET", upstream.uri("/ok/" + i)));
        }
        for (int i = 0; i < 6; i++) {
            calls.add(AppCall.of("jdk", "GET", upstream.uri("/status/503/" + i)));
        }
        calls.add(AppCall.of("jdk", "GET", upstream.uri("/fail-then-ok/1/retried")));
        calls.add(AppCall.of("jdk", "GET", upstream.uri("/trickle/1000/timed-out")));
        return InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                InstrumentedApp.exportingTo(collector, SERVICE), List.of("-Dcallsight.config=" + policy), calls);
    }

    private static void postXssSpan(CollectorProcess collector) throws Exception {
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        String body = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                "scopeSpans":[{"scope":{"name":"xss"},"spans":[{"traceId":"%s","spanId":"00f067aa0ba90299",
                "name":"%s","kind":3,"startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                "attributes":[{"key":"note","value":{"stringValue":"<script>alert(2)</script>"}}]}]}]}]}
                """.formatted(SERVICE, XSS_TRACE, XSS_NAME, now, now + 5_000_000);
        HttpResponse<String> response = collector.postOtlp("/v1/traces", "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
    }

    /**
     * Waits until every call, retry and timeout is in the rollups and the strict SLO has counted them all, so the
     * pages and the API read the same numbers; returns the hour's totals.
     */
    private static JsonObject awaitSettled(CollectorProcess collector) throws Exception {
        return Eventually.get(() -> {
            long now = System.currentTimeMillis() / 1000;
            JsonObject totals = json(collector, "/api/calls/series?service=" + SERVICE + "&from=" + (now - 3600)
                    + "&to=" + now).getAsJsonObject("totals");
            JsonObject slo = json(collector, "/api/slos/" + STRICT_SLO);
            boolean settled = totals.get("calls").getAsLong() >= 38 && totals.get("retries").getAsLong() >= 1
                    && totals.get("timeouts").getAsLong() >= 1 && slo.has("calls")
                    && slo.get("calls").getAsLong() == totals.get("calls").getAsLong();
            return settled ? totals : null;
        }, "all calls, the retry and the timeout in the rollups and the SLO", Duration.ofSeconds(60));
    }

    private static String searchFirst(CollectorProcess collector, String query) throws Exception {
        return json(collector, "/api/search?" + query).getAsJsonArray("traces").get(0).getAsJsonObject()
                .get("traceId").getAsString();
    }

    private static String trace(CollectorProcess collector, Predicate<JsonObject> test)
            throws Exception {
        for (JsonElement trace : json(collector, "/api/search?service=" + SERVICE + "&limit=100").getAsJsonArray("traces")) {
            if (test.test(trace.getAsJsonObject())) {
                return trace.getAsJsonObject().get("traceId").getAsString();
            }
        }
        throw new AssertionError("no such trace stored");
    }

    private static JsonObject json(CollectorProcess collector, String path) throws Exception {
        HttpResponse<String> response = collector.get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    /** As the pages format a ratio. */
    private static String percent(double ratio, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f %%", ratio * 100);
    }

    /** As the pages format seconds. */
    private static String millis(double seconds) {
        double ms = seconds * 1000;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
    }
}
