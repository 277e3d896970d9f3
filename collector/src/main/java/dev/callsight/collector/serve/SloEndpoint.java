package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.slo.AlertTier;
import dev.callsight.collector.slo.BurnWindow;
import dev.callsight.collector.slo.NoDataAlert;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.slo.SloStatus;
import dev.callsight.collector.slo.Sli;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SloAlertEvent;
import dev.callsight.collector.store.SloAlertState;
import dev.callsight.collector.store.SloDay;
import dev.callsight.collector.store.SloStore;
import dev.callsight.config.Durations;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/slos}: every SLO as last evaluated (definition, SLI, error budget, burn rates, alert state);
 * {@code GET /api/slos/{name}} adds its alert history and daily compliance from the store.
 */
final class SloEndpoint {

    private static final int HISTORY_LIMIT = 100;
    private static final int DAYS_LIMIT = 400;

    private final SloMonitor monitor;
    private final Database database;
    private final SloStore store;
    private final JsonResponses json;

    SloEndpoint(SloMonitor monitor, Database database, SloStore store, JsonResponses json) {
        this.monitor = monitor;
        this.database = database;
        this.store = store;
        this.json = json;
    }

    HttpHandler list() {
        return exchange -> {
            SloMonitor.Snapshot snapshot = monitor.snapshot();
            JsonArray slos = new JsonArray();
            snapshot.statuses().forEach(status -> slos.add(toJson(status, snapshot)));
            JsonObject body = new JsonObject();
            body.addProperty("evaluatedAt", snapshot.at().toString());
            snapshot.problem().ifPresent(problem -> body.addProperty("problem", problem));
            body.add("slos", slos);
            json.send(exchange, 200, body);
        };
    }

    HttpHandler one() {
        return this::detail;
    }

    private void detail(HttpServerExchange exchange) {
        Deque<String> parameter = exchange.getQueryParameters().get("name");
        String name = parameter == null ? "" : parameter.getFirst();
        SloMonitor.Snapshot snapshot = monitor.snapshot();
        Optional<SloStatus> status = snapshot.status(name);
        if (status.isEmpty()) {
            json.error(exchange, 404, "no SLO named '" + name + "' (evaluated at " + snapshot.at() + ")");
            return;
        }
        JsonObject history = database.inTransaction(connection -> {
            JsonObject stored = new JsonObject();
            stored.add("alertHistory", events(store.alertEvents(connection, name, HISTORY_LIMIT)));
            stored.add("daily", days(store.days(connection, name, DAYS_LIMIT)));
            return stored;
        });
        JsonObject body = toJson(status.get(), snapshot);
        history.entrySet().forEach(entry -> body.add(entry.getKey(), entry.getValue()));
        json.send(exchange, 200, body);
    }

    private static JsonObject toJson(SloStatus status, SloMonitor.Snapshot snapshot) {
        SloDefinition slo = status.slo();
        JsonObject object = new JsonObject();
        object.addProperty("name", slo.name());
        object.addProperty("description", slo.description());
        object.add("selector", selector(slo));
        object.add("sli", sli(slo.sli()));
        object.addProperty("target", slo.target());
        object.addProperty("window", slo.window().label());
        object.addProperty("windowStart", status.windowStart().toString());
        object.addProperty("evaluatedAt", status.evaluatedAt().toString());
        object.addProperty("calls", status.window().total());
        object.addProperty("goodCalls", status.window().good());
        addNumber(object, "sliRatio", status.sli());
        JsonObject budget = new JsonObject();
        budget.addProperty("allowedBadCalls", status.allowedBad());
        budget.addProperty("badCalls", status.window().bad());
        addNumber(budget, "remainingRatio", status.budgetRemaining());
        object.add("errorBudget", budget);
        JsonObject windows = new JsonObject();
        for (BurnWindow window : BurnWindow.values()) {
            JsonObject item = new JsonObject();
            item.addProperty("calls", status.burnWindows().get(window).total());
            item.addProperty("badCalls", status.burnWindows().get(window).bad());
            addNumber(item, "sliRatio", status.burnWindows().get(window).ratio());
            item.addProperty("burnRate", status.burnRate(window));
            windows.add(window.label(), item);
        }
        object.add("burnRates", windows);
        JsonObject alerts = new JsonObject();
        boolean paging = false;
        boolean ticketing = false;
        for (String severity : List.of("page", "ticket")) {
            JsonObject item = new JsonObject();
            JsonArray conditions = new JsonArray();
            List<SloAlertState> states = new ArrayList<>();
            for (AlertTier tier : AlertTier.values()) {
                if (!tier.severity().equals(severity)) {
                    continue;
                }
                SloAlertState state = snapshot.alert(slo.name(), tier);
                states.add(state);
                JsonObject rule = new JsonObject();
                rule.addProperty("burnTier", tier.key());
                rule.addProperty("factor", tier.condition().factor());
                rule.addProperty("longWindow", tier.condition().longWindow().label());
                rule.addProperty("shortWindow", tier.condition().shortWindow().label());
                rule.addProperty("firing", state.firing());
                rule.addProperty("since", state.since().toString());
                conditions.add(rule);
            }
            // A severity fires while any of its tiers does, since the earliest firing one started; otherwise it
            // has been quiet since the last one resolved.
            boolean firing = states.stream().anyMatch(SloAlertState::firing);
            Instant since = firing
                    ? states.stream().filter(SloAlertState::firing).map(SloAlertState::since).min(Instant::compareTo)
                            .orElseThrow()
                    : states.stream().map(SloAlertState::since).max(Instant::compareTo).orElseThrow();
            item.addProperty("enabled", slo.alerting().enabled(severity));
            item.addProperty("firing", firing);
            item.addProperty("since", since.toString());
            item.add("conditions", conditions);
            alerts.add(severity, item);
            paging |= firing && severity.equals("page");
            ticketing |= firing && severity.equals("ticket");
        }
        SloAlertState blind = snapshot.alert(slo.name(), NoDataAlert.NO_DATA);
        JsonObject noData = new JsonObject();
        noData.addProperty("enabled", NoDataAlert.NO_DATA.enabled(slo));
        noData.addProperty("after", slo.alerting().noDataAfter() == null ? null
                : Durations.format(slo.alerting().noDataAfter()));
        noData.addProperty("silent", status.silent());
        noData.addProperty("firing", blind.firing());
        noData.addProperty("since", blind.since().toString());
        alerts.add("noData", noData);
        // What a person should read first: blind beats healthy-looking numbers.
        object.addProperty("state", blind.firing() ? "no-data" : paging ? "page" : ticketing ? "ticket"
                : status.window().total() == 0 ? "no-data" : "ok");
        object.add("alerts", alerts);
        object.addProperty("minEvents", slo.alerting().minEvents());
        return object;
    }

    private static JsonObject selector(SloDefinition slo) {
        JsonObject selector = new JsonObject();
        selector.addProperty("service", slo.selector().service());
        selector.addProperty("peer", slo.selector().peer());
        selector.addProperty("route", slo.selector().route());
        selector.addProperty("method", slo.selector().method());
        selector.addProperty("kind", slo.selector().side());
        selector.addProperty("per", slo.selector().per());
        return selector;
    }

    private static JsonObject sli(Sli sli) {
        JsonObject object = new JsonObject();
        if (sli instanceof Sli.Latency latency) {
            object.addProperty("type", "latency");
            object.addProperty("thresholdSeconds", latency.threshold().toNanos() / 1e9);
            object.addProperty("boundSeconds", latency.boundSeconds());
        } else {
            object.addProperty("type", "success");
            JsonArray statuses = new JsonArray();
            ((Sli.Success) sli).goodStatuses().stream().sorted().forEach(statuses::add);
            object.add("goodStatus", statuses);
        }
        return object;
    }

    private static JsonArray events(List<SloAlertEvent> events) {
        JsonArray list = new JsonArray();
        for (SloAlertEvent event : events) {
            JsonObject item = new JsonObject();
            item.addProperty("severity", event.severity());
            item.addProperty("alert", event.alert());
            item.addProperty("firing", event.firing());
            item.addProperty("at", event.at().toString());
            item.add("burnRates", JsonParser.parseString(event.burnRatesJson()));
            list.add(item);
        }
        return list;
    }

    private static JsonArray days(List<SloDay> days) {
        JsonArray list = new JsonArray();
        for (SloDay day : days) {
            JsonObject item = new JsonObject();
            item.addProperty("day", day.day().toString());
            item.addProperty("calls", day.total());
            item.addProperty("goodCalls", day.good());
            addNumber(item, "sliRatio", day.total() == 0 ? Double.NaN : (double) day.good() / day.total());
            item.addProperty("budgetRemainingRatio", day.budgetRemaining());
            list.add(item);
        }
        return list;
    }

    /** JSON has no NaN: a ratio without calls is null. */
    private static void addNumber(JsonObject object, String name, double value) {
        object.addProperty(name, Double.isNaN(value) ? null : value);
    }
}
