package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.collector.serve.metrics.DurationHistogram;
import dev.callsight.collector.slo.AlertTier;
import dev.callsight.collector.slo.BudgetBreakdown;
import dev.callsight.collector.slo.SloAlert;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloMonitor;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.SloAlertEvent;
import dev.callsight.collector.store.SloAlertState;
import dev.callsight.collector.store.SloStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/alerts[?since=UNIX_S]}: every SLO's alerts (all tiers, no-data included) that fired since
 * {@code since} (default: a day ago) or fire now, newest first. Each is one episode, from its firing to its resolving
 * (null while it fires), with the burn rates that fired it and what its bad calls were: the top cause of the SLO's
 * breakdown over the episode (from {@link #LEAD} before it fired) and example trace IDs of those calls.
 */
final class AlertsEndpoint implements HttpHandler {

    private static final Duration DEFAULT_SINCE = Duration.ofDays(1);
    /** The calls that fire an alert came before it: the examples start this long before the firing. */
    private static final Duration LEAD = Duration.ofMinutes(5);
    private static final int EVENT_LIMIT = 1000;
    private static final int EPISODE_LIMIT = 50;
    private static final int EXAMPLES = 3;

    private final SloMonitor monitor;
    private final Database database;
    private final SloStore store;
    private final BudgetBreakdown breakdown;
    private final DurationHistogram histogram;
    private final JsonResponses json;
    private final Clock clock;

    AlertsEndpoint(SloMonitor monitor, Database database, SloStore store, BudgetBreakdown breakdown,
            DurationHistogram histogram, JsonResponses json, Clock clock) {
        this.monitor = monitor;
        this.database = database;
        this.store = store;
        this.breakdown = breakdown;
        this.histogram = histogram;
        this.json = json;
        this.clock = clock;
    }

    /** One alert from its firing (null when that was before the range) to its resolving (null while it fires). */
    private record Episode(SloDefinition slo, String alert, String severity, Instant firedAt, Instant resolvedAt,
            String burnRatesJson) {}

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Instant now = clock.instant();
        long since;
        try {
            since = new QueryParameters(exchange).number("since", now.minus(DEFAULT_SINCE).getEpochSecond());
        } catch (IllegalArgumentException e) {
            json.error(exchange, 400, e.getMessage());
            return;
        }
        SloMonitor.Snapshot snapshot = monitor.snapshot();
        JsonObject body = database.inTransaction(connection -> episodes(connection, snapshot, since * 1000, now));
        json.send(exchange, 200, body);
    }

    private JsonObject episodes(Connection connection, SloMonitor.Snapshot snapshot, long sinceMs, Instant now)
            throws SQLException {
        Map<String, SloDefinition> slos = new LinkedHashMap<>();
        monitor.definitions().forEach(slo -> slos.put(slo.name(), slo));
        List<Episode> episodes = new ArrayList<>();
        Map<String, Episode> open = new LinkedHashMap<>();
        for (SloAlertEvent event : store.alertEventsSince(connection, sinceMs, EVENT_LIMIT)) {
            SloDefinition slo = slos.get(event.slo());
            if (slo == null) {
                continue;
            }
            String alert = event.alert().isEmpty() ? event.severity() : event.alert();
            String key = event.slo() + "\u0000" + alert;
            if (event.firing()) {
                open.put(key, new Episode(slo, alert, event.severity(), event.at(), null, event.burnRatesJson()));
            } else {
                Episode fired = open.remove(key);
                episodes.add(fired == null ? new Episode(slo, alert, event.severity(), null, event.at(), null)
                        : new Episode(slo, alert, event.severity(), fired.firedAt(), event.at(), fired.burnRatesJson()));
            }
        }
        episodes.addAll(open.values());
        // An alert firing since before the range has no event in it: the monitor's state has it.
        snapshot.alerts().forEach((name, states) -> states.forEach((alert, state) ->
                firingBefore(slos.get(name), alert, state, open, sinceMs).ifPresent(episodes::add)));
        episodes.sort(Comparator.comparing(AlertsEndpoint::latest).reversed()
                .thenComparing(episode -> !episode.severity().equals("page"))
                .thenComparing(Episode::alert));
        JsonArray list = new JsonArray();
        for (Episode episode : episodes.subList(0, Math.min(EPISODE_LIMIT, episodes.size()))) {
            list.add(toJson(connection, episode, now));
        }
        JsonObject body = new JsonObject();
        body.addProperty("since", sinceMs / 1000);
        body.addProperty("evaluatedAt", snapshot.at().toString());
        body.addProperty("firing", episodes.stream().filter(episode -> episode.resolvedAt() == null).count());
        body.add("alerts", list);
        return body;
    }

    private static Optional<Episode> firingBefore(SloDefinition slo, SloAlert alert, SloAlertState state,
            Map<String, Episode> open, long sinceMs) {
        if (slo == null || !state.firing() || state.since().toEpochMilli() >= sinceMs
                || open.containsKey(slo.name() + "\u0000" + alert.key())) {
            return Optional.empty();
        }
        return Optional.of(new Episode(slo, alert.key(), alert.severity(), state.since(), null, null));
    }

    /** Firing ones first, then by when they last changed; pages before tickets. */
    private static Instant latest(Episode episode) {
        return episode.resolvedAt() == null ? Instant.MAX : episode.resolvedAt();
    }

    private JsonObject toJson(Connection connection, Episode episode, Instant now) throws SQLException {
        JsonObject item = new JsonObject();
        item.addProperty("slo", episode.slo().name());
        item.addProperty("service", episode.slo().selector().service());
        item.addProperty("kind", episode.slo().selector().side());
        item.addProperty("alert", episode.alert());
        item.addProperty("severity", episode.severity());
        item.addProperty("firing", episode.resolvedAt() == null);
        item.addProperty("firedAt", episode.firedAt() == null ? null : episode.firedAt().toString());
        item.addProperty("resolvedAt", episode.resolvedAt() == null ? null : episode.resolvedAt().toString());
        item.add("burnRates", episode.burnRatesJson() == null ? null : JsonParser.parseString(episode.burnRatesJson()));
        // The two windows a burn tier fires on, so a reader sees the rates that decided it.
        JsonArray windows = new JsonArray();
        Arrays.stream(AlertTier.values()).filter(tier -> tier.key().equals(episode.alert())).findFirst()
                .ifPresent(tier -> {
                    windows.add(tier.condition().longWindow().label());
                    windows.add(tier.condition().shortWindow().label());
                });
        item.add("windows", windows);
        Instant end = episode.resolvedAt() == null ? now : episode.resolvedAt();
        Instant start = (episode.firedAt() == null ? end.minus(DEFAULT_SINCE) : episode.firedAt()).minus(LEAD);
        long from = start.getEpochSecond();
        long to = Math.max(from + 1, end.getEpochSecond() + 1);
        item.addProperty("from", from);
        item.addProperty("to", to);
        BudgetBreakdown.Result result = breakdown.of(connection, episode.slo(), from, to);
        item.addProperty("badCalls", result.badCalls());
        JsonArray traces = new JsonArray();
        if (!result.causes().isEmpty()) {
            BudgetBreakdown.Cause top = result.causes().get(0);
            JsonObject cause = new JsonObject();
            cause.addProperty("route", top.route());
            cause.addProperty("peer", top.peer());
            cause.addProperty("statusCode", top.statusCode());
            cause.addProperty("errorType", top.errorType());
            cause.addProperty("badCalls", top.badCalls());
            item.add("topCause", cause);
            histogram.exampleTraceIds(top.calls(), episode.slo().sli().firstBadBucket(), from * 1000, to * 1000,
                    EXAMPLES).forEach(traces::add);
        }
        item.add("exampleTraceIds", traces);
        return item;
    }
}
