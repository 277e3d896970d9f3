package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.callsight.e2e.support.Browser;
import dev.callsight.e2e.support.Firefox;
import dev.callsight.e2e.support.ProcessOutput;
import dev.callsight.testing.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The README's demo, run once for both the incident and every page of the UI: a collector fed by three agent JVMs
 * while the scripted payments incident pages and resolves. While it pages, headless Chromium reads home (services
 * and map as the API has them), the SLO page (firing tier, burn-down, what burned the budget), the alerts page (the
 * episode with its times, bad calls and example traces), a trace of a failed order (critical path, span details kept
 * across a refresh), the calls page (routes, sortable, with retries, timeouts and breaker state) and the SLO list
 * (burn-down sparklines); headless Firefox then loads the same pages without a script error. Afterwards the page
 * resolves, the alerts page says so, and the demo stops its three JVMs. Screenshots land in
 * {@code callsight.screenshots} (docs/ui in the repository).
 */
@Timeout(420)
// Three minutes, mostly waiting for the incident's burn rates to rise and fall: the other classes run meanwhile.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(E2eLanes.SECOND)
class DemoUiBrowserTest {

    private static final String PAGE_TIER = "page-slow";

    @TempDir
    Path workDir;

    @Test
    void theIncidentPagesAcrossThreeServicesEveryPageShowsItAndItResolves() throws Exception {
        Path screenshots = Path.of(System.getProperty("callsight.screenshots", workDir.resolve("shots").toString()));
        // Payments fails for 20 s: long enough that the page still fires while the pages are read (about 2 minutes
        // in), short enough that the good calls after it resolve the page about 3 minutes in.
        Process demo = DemoTest.startDemo(workDir.resolve("data"), "--duration", "6m", "--rate", "40",
                "--incident-at", "5s", "--incident-for", "20s", "--slo-interval", "2s");
        ProcessOutput output = ProcessOutput.follow(demo, "demo");
        try {
            URI web = URI.create(output.await(DemoTest.UI_URL, Duration.ofSeconds(60)).group(1));
            assertTrue(DemoTest.UI_URL.matcher(output.lines().get(0)).find(), () -> "the UI address comes first:\n" + output);
            long usersFrom = System.currentTimeMillis() / 1000;
            output.await(Pattern.compile("INCIDENT: payments starts failing"), Duration.ofSeconds(60));
            Eventually.get(() -> firing(web) ? true : null, "the page of " + DemoTest.PAGING_SLO + " firing",
                    Duration.ofSeconds(90));
            String failedOrder = incidentAsTheApiHasIt(web);
            URI ui = web.resolve("/ui/");
            try (Browser browser = Browser.start(workDir.resolve("chromium"))) {
                homeAndSloPages(browser, web, ui, usersFrom, screenshots);
                alertsPage(browser, web, ui, screenshots);
                tracePage(browser, web, ui, failedOrder, screenshots);
                callsPage(browser, web, ui, screenshots);
                sloList(browser, web, ui, screenshots);
                try (Firefox firefox = Firefox.start(workDir.resolve("firefox"))) {
                    firefoxPages(firefox, web, ui, failedOrder, screenshots);
                }
                resolves(browser, web, ui, output);
                assertFalse(browser.alertOpen(), "no script from span data ran");
            }
            List<ProcessHandle> children = demo.descendants().toList();
            assertEquals(3, children.size(), () -> "frontend, checkout and payments: " + children);
            demo.destroy();
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), () -> "demo did not stop: " + output);
            for (ProcessHandle child : children) {
                assertTrue(child.onExit().get(15, TimeUnit.SECONDS) != null && !child.isAlive(), "left running: " + child);
            }
        } finally {
            // A failed check must not leave the demo and its JVMs running.
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    private static boolean firing(URI web) throws Exception {
        return DemoTest.json(web, "/api/slos/" + DemoTest.PAGING_SLO).getAsJsonObject("alerts").getAsJsonObject("page")
                .get("firing").getAsBoolean();
    }

    /** One order's trace across the three JVMs, the agent's retries and its open breaker; returns that trace. */
    private static String incidentAsTheApiHasIt(URI web) throws Exception {
        String failedCharge = Eventually.get(() -> {
            JsonArray found = DemoTest.json(web, "/api/search?service=payments&status=503&limit=1").getAsJsonArray("traces");
            return found.isEmpty() ? null : found.get(0).getAsJsonObject().get("traceId").getAsString();
        }, "a trace of a charge payments answered 503", Duration.ofSeconds(30));
        // Each JVM exports its spans in its own time: wait for the frontend's, which ends last.
        Eventually.get(() -> {
            Set<String> services = new TreeSet<>();
            DemoTest.json(web, "/api/traces/" + failedCharge).getAsJsonArray("spans")
                    .forEach(span -> services.add(span.getAsJsonObject().get("serviceName").getAsString()));
            return services.containsAll(Set.of("frontend", "checkout", "payments")) ? services : null;
        }, "trace " + failedCharge + " with spans of frontend, checkout and payments", Duration.ofSeconds(30));
        Eventually.get(() -> DemoTest.json(web, "/api/search?service=checkout&errorType=circuit_open&limit=1")
                .getAsJsonArray("traces").isEmpty() ? null : true, "a charge refused by the open circuit breaker",
                Duration.ofSeconds(30));
        Eventually.get(() -> {
            long now = System.currentTimeMillis() / 1000;
            JsonObject checkout = DemoTest.json(web, "/api/calls/series?service=checkout&from=" + (now - 900) + "&to="
                    + now).getAsJsonObject("totals");
            return checkout.get("retries").getAsLong() > 0 ? checkout : null;
        }, "checkout's retries counted", Duration.ofSeconds(30));
        JsonObject breakdown = DemoTest.json(web, "/api/slos/" + DemoTest.PAGING_SLO + "/breakdown");
        assertEquals("502", breakdown.getAsJsonArray("byStatusCode").get(0).getAsJsonObject().get("value").getAsString(),
                breakdown::toString);
        return failedCharge;
    }

    /** Home over whole minutes that are over (no late export can change them): the API's numbers; the SLO page. */
    private static void homeAndSloPages(Browser browser, URI web, URI ui, long usersFrom, Path screenshots)
            throws Exception {
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
        // Services in trouble come first. Checkout, whose page fires, is one; frontend, whose tighter budget the
        // incident may have spent, can be another and then comes first if its error ratio is the higher.
        browser.element("#services-table tbody tr:first-child.bad");
        browser.element("#services-table tbody tr.bad[data-service='checkout']");
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
        browser.awaitText("#tier-table tr[data-tier='" + PAGE_TIER + "'] .state", text -> text.equals("firing"));
        browser.awaitText("#breakdown-table tbody tr:first-child .bad-calls",
                text -> text.equals(String.format(Locale.ROOT, "%,d", top.get("badCalls").getAsLong())));
        browser.awaitText("#breakdown-table tbody tr:first-child .status", text -> text.equals("502"));
        browser.awaitText("#alert-timeline .lane[data-alert='" + PAGE_TIER + "']", text -> text.contains(PAGE_TIER));
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
        // A bad order's trace: the frontend's request, checkout's 502, and the call out that failed under it (a
        // charge payments failed or the breaker refused, or, after the incident, an inventory call timed out).
        String waterfall = browser.awaitText("#waterfall", text -> text.contains("frontend")
                && text.contains("checkout") && text.contains("502"));
        assertTrue(waterfall.contains("payments") || waterfall.contains("circuit_open")
                || waterfall.contains("timeout"), waterfall);
    }

    /** The firing episode with the API's times, bad calls and cause; its example trace opens. */
    private static void alertsPage(Browser browser, URI web, URI ui, Path screenshots) throws Exception {
        browser.open(ui.resolve("#/alerts"));
        String row = "#alerts-table tr[data-slo='" + DemoTest.PAGING_SLO + "'][data-alert='" + PAGE_TIER + "']";
        browser.awaitText(row + " .state", text -> text.equals("firing"));
        JsonObject episode = episode(web, PAGE_TIER);
        assertTrue(episode.get("firing").getAsBoolean(), episode::toString);
        browser.awaitText(row + " .fired", text -> text.equals(time(episode.get("firedAt").getAsString())));
        browser.awaitText(row + " .cause", text -> text.contains("502"));
        // checkout's charges: the peer named by the service behind it.
        browser.awaitText("#alerts-table tr[data-slo='payments-charges'] .cause",
                text -> text.contains("payments (127.0.0.1:"));
        // Bad calls end with the incident, but their last exports may still come in: compare with a fresh answer.
        awaitSame(() -> String.format(Locale.ROOT, "%,d", episode(web, PAGE_TIER).get("badCalls").getAsLong()),
                () -> browser.text(browser.element(row + " .bad-calls")), "bad calls of the firing alert");
        assertEquals("#/slo/" + DemoTest.PAGING_SLO, browser.attribute(browser.element(row + " .slo a"), "href"));
        browser.element(row + " .search-traces");
        browser.screenshot(screenshots.resolve("alerts.png"));
        assertFalse(episode.getAsJsonArray("exampleTraceIds").isEmpty(), episode::toString);
        browser.click(browser.element(row + " .example-trace"));
        browser.awaitText("#waterfall", text -> text.contains("checkout") && text.contains("502"));
    }

    /** The critical path starts at the root; a clicked span's details match the API and survive the auto-refresh. */
    private static void tracePage(Browser browser, URI web, URI ui, String traceId, Path screenshots) throws Exception {
        JsonObject trace = DemoTest.json(web, "/api/traces/" + traceId);
        browser.open(ui.resolve("#/trace/" + traceId));
        String count = browser.awaitText("#critical-count", text -> !text.isEmpty());
        assertEquals(Integer.parseInt(count), browser.elements("#waterfall .span.on-critical-path").size());
        Set<String> ids = new TreeSet<>();
        trace.getAsJsonArray("spans").forEach(span -> ids.add(span.getAsJsonObject().get("spanId").getAsString()));
        // The longest span whose parent is not in the trace, where the page starts the critical path.
        String root = null;
        long longest = -1;
        JsonObject retried = null;
        for (JsonElement item : trace.getAsJsonArray("spans")) {
            JsonObject span = item.getAsJsonObject();
            JsonElement parent = span.get("parentSpanId");
            if ((parent == null || parent.isJsonNull() || !ids.contains(parent.getAsString()))
                    && span.get("durationNanos").getAsLong() > longest) {
                root = span.get("spanId").getAsString();
                longest = span.get("durationNanos").getAsLong();
            }
            JsonElement resend = span.getAsJsonObject("http").get("resendCount");
            if (resend != null && !resend.isJsonNull() && resend.getAsInt() > 0) {
                retried = span;
            }
        }
        assertTrue(root != null, trace::toString);
        browser.element("#waterfall .span.on-critical-path[data-span-id='" + root + "']");
        // The path tiles the root span: its segments add up to the root's duration.
        double rootSeconds = longest / 1e9;
        browser.awaitText("#critical-total", text -> text.equals(millis(rootSeconds)));
        // The retried attempt when the trace has one (the breaker may have refused the charge instead).
        JsonObject picked = retried != null ? retried : trace.getAsJsonArray("spans").get(0).getAsJsonObject();
        String spanId = picked.get("spanId").getAsString();
        browser.click(browser.element("#waterfall .span[data-span-id='" + spanId + "']"));
        browser.awaitText("#span-panel .span-title", text -> text.equals(picked.get("name").getAsString()));
        assertEquals(picked.getAsJsonObject("attributes").size(), browser.elements("#span-attributes tbody tr").size());
        assertEquals(picked.getAsJsonArray("events").size(), browser.elements("#span-events tbody tr").size());
        if (retried != null) {
            browser.awaitText("#span-facts dd[data-fact='Resend count']",
                    text -> text.equals(picked.getAsJsonObject("http").get("resendCount").getAsString()));
            browser.awaitText("#span-facts dd[data-fact='Retry source']", text -> text.equals(
                    picked.getAsJsonObject("attributes").get("callsight.retry.source").getAsString()));
            assertEquals(picked.getAsJsonArray("links").size(), browser.elements("#span-links li").size());
        }
        assertTrue(browser.script("return location.hash").getAsString().contains("span=" + spanId));
        // The next auto-refresh (every 10 s) renders the page afresh: the same span stays selected.
        String before = browser.text(browser.element("#updated"));
        browser.awaitText("#updated", text -> !text.equals(before));
        browser.element("#waterfall .span.selected[data-span-id='" + spanId + "']");
        browser.awaitText("#span-panel .span-title", text -> text.equals(picked.get("name").getAsString()));
        browser.screenshot(screenshots.resolve("trace-detail.png"));
    }

    /** checkout's routes: the API's retries and breaker state; sorting by errors puts the worst route first. */
    private static void callsPage(Browser browser, URI web, URI ui, Path screenshots) throws Exception {
        browser.open(ui.resolve("#/calls?service=checkout&range=900"));
        browser.element("#routes-table tbody tr");
        // The latest minutes carry the exemplars the collector holds for checkout's calls (made inside the requests
        // it answers, so they have a trace). They change with every call, so the page's is opened, not compared.
        long until = System.currentTimeMillis() / 1000;
        JsonArray points = DemoTest.json(web, "/api/calls/series?service=checkout&from=" + (until - 900) + "&to="
                + until).getAsJsonArray("points");
        assertTrue(points.asList().stream().anyMatch(point -> !point.getAsJsonObject().getAsJsonArray("exampleTraceIds")
                .isEmpty()), points::toString);
        String exemplar = browser.element("#steps-table .exemplar");
        browser.click(exemplar);
        browser.awaitText("#waterfall", text -> text.contains("checkout"));
        browser.open(ui.resolve("#/calls?service=checkout&range=900"));
        browser.element("#routes-table tbody tr");
        Callable<JsonObject> charges = () -> {
            long now = System.currentTimeMillis() / 1000;
            for (JsonElement item : DemoTest.json(web, "/api/calls/routes?service=checkout&from=" + (now - 900)
                    + "&to=" + now).getAsJsonArray("routes")) {
                JsonObject route = item.getAsJsonObject();
                if (route.get("retries").getAsLong() > 0) {
                    return route;
                }
            }
            return null;
        };
        JsonObject retried = Eventually.get(charges, "a route of checkout with retries", Duration.ofSeconds(20));
        String row = "#routes-table tr[data-kind='client'][data-peer='" + retried.get("peer").getAsString()
                + "'][data-route='" + retried.get("route").getAsString() + "']";
        awaitSame(() -> String.format(Locale.ROOT, "%,d", charges.call().get("retries").getAsLong()),
                () -> browser.text(browser.element(row + " .retries")), "retries of " + row);
        awaitSame(() -> String.format(Locale.ROOT, "%,d", charges.call().get("rejections").getAsLong()),
                () -> browser.text(browser.element(row + " .rejections")), "refused calls of " + row);
        // Absent where no breaker reported (the API leaves nulls out).
        awaitSame(() -> charges.call().has("breaker") ? charges.call().get("breaker").getAsString() : "–",
                () -> browser.text(browser.element(row + " .breaker")), "breaker state of " + row);
        assertFalse(browser.elements(row + " .trend svg polyline, " + row + " .trend svg circle").isEmpty());
        browser.click(browser.element("#routes-table button[data-sort='errorRatio']"));
        browser.awaitText("#routes-table button.sorted", text -> text.startsWith("Errors"));
        assertTrue(browser.script("return location.hash").getAsString().contains("sort=errorRatio"));
        List<Double> ratios = new ArrayList<>();
        for (String cell : browser.elements("#routes-table tbody td.errorRatio")) {
            String text = browser.text(cell);
            ratios.add(text.equals("–") ? -1 : Double.parseDouble(text.replace(" %", "")));
        }
        for (int i = 1; i < ratios.size(); i++) {
            assertTrue(ratios.get(i - 1) >= ratios.get(i), "worst first: " + ratios);
        }
        browser.script("document.getElementById('routes-table').scrollIntoView()");
        browser.screenshot(screenshots.resolve("calls-routes.png"));
    }

    /** A burn-down sparkline per SLO with as many points as the SLO's history. */
    private static void sloList(Browser browser, URI web, URI ui, Path screenshots) throws Exception {
        browser.open(ui.resolve("#/slos"));
        String line = "#slo-table tr[data-slo='" + DemoTest.PAGING_SLO + "'] .burn-down svg";
        awaitSame(() -> {
            for (JsonElement item : DemoTest.json(web, "/api/slo-history").getAsJsonArray("slos")) {
                if (item.getAsJsonObject().get("slo").getAsString().equals(DemoTest.PAGING_SLO)) {
                    return String.valueOf(item.getAsJsonObject().getAsJsonArray("points").size());
                }
            }
            return null;
        }, () -> browser.attribute(browser.element(line), "data-points"), "burn-down points");
        browser.screenshot(screenshots.resolve("slos-burn-down.png"));
    }

    /** The same pages in Firefox: rendered with data, no script error. */
    private static void firefoxPages(Firefox firefox, URI web, URI ui, String traceId, Path screenshots)
            throws Exception {
        firefox.open(ui.resolve("#/home"));
        firefox.awaitText("#services-table tr[data-service='checkout'] .rate", text -> text.endsWith("/s"));
        assertEquals("3", firefox.script("document.querySelectorAll('#service-map .node.service').length"));
        firefox.open(ui.resolve("#/slos"));
        firefox.awaitText("#slo-table tr[data-slo='" + DemoTest.PAGING_SLO + "'] .alert", text -> !text.isEmpty());
        assertEquals("1", firefox.script("document.querySelectorAll(\"#slo-table tr[data-slo='"
                + DemoTest.PAGING_SLO + "'] .burn-down svg\").length"));
        firefox.open(ui.resolve("#/slo/" + DemoTest.PAGING_SLO));
        firefox.awaitText("#breakdown-table tbody tr:first-child .status", text -> text.equals("502"));
        assertEquals("3", firefox.script("document.querySelectorAll('#slo-charts canvas').length"));
        firefox.open(ui.resolve("#/alerts"));
        String row = "#alerts-table tr[data-slo='" + DemoTest.PAGING_SLO + "'][data-alert='" + PAGE_TIER + "']";
        JsonObject episode = episode(web, PAGE_TIER);
        firefox.awaitText(row + " .fired", text -> text.equals(time(episode.get("firedAt").getAsString())));
        firefox.screenshot(screenshots.resolve("firefox-alerts.png"));
        firefox.open(ui.resolve("#/calls?service=checkout&range=900"));
        firefox.awaitText("#routes-table tbody", text -> text.contains("/charge"));
        firefox.open(ui.resolve("#/traces?service=payments&status=503"));
        firefox.awaitText("#trace-results tbody", text -> text.contains("payments"));
        firefox.open(ui.resolve("#/trace/" + traceId));
        firefox.awaitText("#waterfall", text -> text.contains("checkout"));
        assertTrue(Integer.parseInt(firefox.script("document.querySelectorAll('#waterfall .critical').length")) > 0);
        assertEquals(List.of(), firefox.errors(), "script or console errors in Firefox");
    }

    /** The page resolves; the API's alert history, the console and the alerts page all say so. */
    private static void resolves(Browser browser, URI web, URI ui, ProcessOutput output) throws Exception {
        JsonObject resolved = Eventually.get(() -> {
            JsonObject slo = DemoTest.json(web, "/api/slos/" + DemoTest.PAGING_SLO);
            return slo.getAsJsonObject("alerts").getAsJsonObject("page").get("firing").getAsBoolean() ? null : slo;
        }, "the page of " + DemoTest.PAGING_SLO + " resolving", Duration.ofSeconds(240));
        List<String> pageChanges = new ArrayList<>();
        resolved.getAsJsonArray("alertHistory").forEach(event -> {
            JsonObject change = event.getAsJsonObject();
            if (change.get("severity").getAsString().equals("page")) {
                pageChanges.add(change.get("firing").getAsBoolean() ? "fired" : "resolved");
            }
        });
        assertTrue(pageChanges.contains("fired") && pageChanges.contains("resolved"), pageChanges::toString);
        // The console says so too, for a person watching it.
        output.await(Pattern.compile("PAGE firing: SLO " + DemoTest.PAGING_SLO), Duration.ofSeconds(5));
        output.await(Pattern.compile("page resolved: SLO " + DemoTest.PAGING_SLO), Duration.ofSeconds(10));
        JsonObject episode = Eventually.get(() -> {
            JsonObject found = episode(web, PAGE_TIER);
            return found.get("firing").getAsBoolean() ? null : found;
        }, PAGE_TIER + " resolved in /api/alerts", Duration.ofSeconds(30));
        browser.open(ui.resolve("#/alerts"));
        String row = "#alerts-table tr[data-slo='" + DemoTest.PAGING_SLO + "'][data-alert='" + PAGE_TIER + "']";
        browser.awaitText(row + " .state", text -> text.equals("resolved"));
        browser.awaitText(row + " .resolved", text -> text.equals(time(episode.get("resolvedAt").getAsString())));
    }

    /** The latest episode of the paging SLO's {@code tier} in {@code /api/alerts}. */
    private static JsonObject episode(URI web, String tier) throws Exception {
        for (JsonElement item : DemoTest.json(web, "/api/alerts").getAsJsonArray("alerts")) {
            JsonObject alert = item.getAsJsonObject();
            if (alert.get("slo").getAsString().equals(DemoTest.PAGING_SLO) && alert.get("alert").getAsString().equals(tier)) {
                return alert;
            }
        }
        throw new AssertionError("no " + tier + " alert of " + DemoTest.PAGING_SLO + " in /api/alerts");
    }

    /**
     * Waits until the page shows an answer the API gave while this waited. Not only the latest one: a count that still
     * moves (the incident's last exports) may change between two reads, and the page re-reads the API every 10 s.
     */
    private static void awaitSame(Callable<String> api, Callable<String> page, String what) throws Exception {
        Set<String> answers = new LinkedHashSet<>();
        Eventually.get(() -> {
            answers.add(api.call());
            String shown;
            try {
                shown = page.call();
            } catch (Browser.StaleElementException replaced) {
                return null;
            }
            answers.add(api.call());
            return answers.contains(shown) ? true : null;
        }, what + " as the API has it", () -> "the API answered " + answers, Duration.ofSeconds(30));
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

    /** As the UI's format.time shows an instant: ISO-8601 to the second, a space for the T. */
    private static String time(String iso) {
        return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }

    private static String percent(double ratio, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f %%", ratio * 100);
    }

    private static String millis(double seconds) {
        double ms = seconds * 1000;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
    }
}
