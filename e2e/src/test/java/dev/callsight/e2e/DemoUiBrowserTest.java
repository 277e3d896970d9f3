package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home page and the SLO page in headless Chromium, over the demo: a collector fed by three agent JVMs while the
 * scripted payments incident pages. Home lists the services with the API's rate, error % and p99 and draws the
 * map from frontend through checkout to payments; the SLO page shows the firing tier, the burn-down charts and what
 * burned the budget, whose example trace opens across the three services. Screenshots land in
 * {@code callsight.screenshots} (docs/ui in the repository).
 */
@Timeout(180)
class DemoUiBrowserTest {

    @TempDir
    Path workDir;

    @Test
    void homeAndSloPagesShowTheIncidentAsTheApiHasIt() throws Exception {
        Path screenshots = Path.of(System.getProperty("callsight.screenshots", workDir.resolve("shots").toString()));
        // An incident long enough that the page still fires when the pages are read (a minute or two in).
        Process demo = DemoTest.startDemo(workDir.resolve("data"), "--duration", "4m", "--rate", "40",
                "--incident-at", "5s", "--incident-for", "60s", "--slo-interval", "2s");
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        try (Browser browser = Browser.start(workDir.resolve("profile"))) {
            URI web = URI.create(output.await(DemoTest.UI_URL, Duration.ofSeconds(60)).group(1));
            long usersFrom = System.currentTimeMillis() / 1000;
            output.await(java.util.regex.Pattern.compile("callsight demo running"), Duration.ofSeconds(60));
            Eventually.get(() -> DemoTest.json(web, "/api/slos/" + DemoTest.PAGING_SLO).getAsJsonObject("alerts")
                    .getAsJsonObject("page").get("firing").getAsBoolean() ? true : null,
                    "the page of " + DemoTest.PAGING_SLO + " firing", Duration.ofSeconds(90));
            URI ui = web.resolve("/ui/");

            // Home over whole minutes that are over (no late export can change them): the same numbers as the API.
            long to = completedMinuteAfter(usersFrom + 20);
            JsonObject overview = DemoTest.json(web, "/api/overview?minutes=15&to=" + to);
            browser.open(ui.resolve("#/home?minutes=15&to=" + to));
            for (JsonElement item : overview.getAsJsonArray("services")) {
                JsonObject service = item.getAsJsonObject();
                JsonObject stats = service.getAsJsonObject("inbound");
                String row = "#services-table tr[data-service='" + service.get("name").getAsString() + "']";
                browser.awaitText(row + " .rate", text -> text.equals(String.format(Locale.ROOT, "%.3f /s",
                        stats.get("ratePerSecond").getAsDouble())));
                browser.awaitText(row + " .errors", text -> text.equals(percent(stats.get("errorRatio").getAsDouble(), 2)));
                browser.awaitText(row + " .p99", text -> text.equals(millis(stats.get("p99").getAsDouble())));
            }
            browser.awaitText("#services-table tbody tr:first-child", text -> text.startsWith("checkout"));
            browser.awaitText("#alerts-firing", text -> text.contains(DemoTest.PAGING_SLO) && text.contains("page"));
            // The map: the three agent JVMs as services, checkout's calls to payments resolved to that service.
            for (String node : List.of("frontend", "checkout", "payments")) {
                browser.element("#service-map .node.service[data-node='" + node + "']");
            }
            browser.element("#service-map .edge[data-from='frontend'][data-to='checkout']");
            browser.element("#service-map .edge[data-from='checkout'][data-to='payments']");
            assertEquals(2, browser.elements("#service-map .node.peer").size(), "inventory and accounts, without agent");
            browser.screenshot(screenshots.resolve("home.png"));

            // The SLO page while it pages: the firing tier, three charts, and what burned the budget up to `to`.
            JsonObject breakdown = DemoTest.json(web, "/api/slos/" + DemoTest.PAGING_SLO + "/breakdown?to=" + to);
            JsonObject top = breakdown.getAsJsonArray("causes").get(0).getAsJsonObject();
            browser.open(ui.resolve("#/slo/" + DemoTest.PAGING_SLO + "?to=" + to));
            browser.awaitText("#tier-table tr[data-tier='page-slow'] .state", text -> text.equals("firing"));
            browser.awaitText("#breakdown-table tbody tr:first-child .bad-calls",
                    text -> text.equals(String.format(Locale.ROOT, "%,d", top.get("badCalls").getAsLong())));
            browser.awaitText("#breakdown-table tbody tr:first-child .status", text -> text.equals("502"));
            browser.awaitText("#alert-timeline .lane[data-alert='page-slow']", text -> text.contains("page-slow"));
            assertEquals(3, browser.elements("#slo-charts canvas").size(), "SLI, burn-down and burn rate");
            browser.screenshot(screenshots.resolve("slo-incident.png"));
            browser.script("document.getElementById('tier-table').scrollIntoView()");
            browser.screenshot(screenshots.resolve("slo-breakdown.png"));
            // The answers burned the budget as 502s; checkout's own calls out show why: payments' 503s, the open breaker.
            browser.click(browser.element("#related-slos a[href='#/slo/payments-charges']"));
            browser.awaitText("#by-error-type", text -> text.contains("503") && text.contains("circuit_open"));
            browser.awaitText("#by-peer", text -> text.contains("payments (127.0.0.1:"));
            browser.script("document.getElementById('breakdown').scrollIntoView(); window.scrollBy(0, -50)");
            browser.screenshot(screenshots.resolve("slo-payments-breakdown.png"));
            // Up to now, so the latest exemplars (the collector keeps one per series and bucket) are in the range.
            browser.open(ui.resolve("#/slo/" + DemoTest.PAGING_SLO));
            browser.click(browser.element("#breakdown-table .example-trace"));
            // A bad order's trace: the frontend's request, checkout's 502, and its charge (to payments, or refused).
            String waterfall = browser.awaitText("#waterfall", text -> text.contains("frontend")
                    && text.contains("checkout") && text.contains("502"));
            assertTrue(waterfall.contains("payments") || waterfall.contains("circuit_open"), waterfall);
            assertFalse(browser.alertOpen(), "no script from span data ran");
        } finally {
            demo.destroy();
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), () -> "demo did not stop: " + output);
        }
    }

    /**
     * The start of a minute after {@code after}, once the exports of the minute before it are in (they come every
     * 5 s): the rollups before it no longer change.
     */
    private static long completedMinuteAfter(long after) throws Exception {
        long minute = after - Math.floorMod(after, 60) + 60;
        return Eventually.get(() -> System.currentTimeMillis() / 1000 >= minute + 8 ? minute : null,
                "the minute before " + minute + " complete", Duration.ofSeconds(90));
    }

    private static String percent(double ratio, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f %%", ratio * 100);
    }

    private static String millis(double seconds) {
        double ms = seconds * 1000;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
    }
}
