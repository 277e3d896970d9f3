package dev.callsight.collector.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.store.CallCount;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/services}: every service with the peers it calls, their routes and call counts, and the routes it
 * answered requests on (instrumented servers), from the rollups. Shape: {@code {"services":[{"name","calls",
 * "peers":[{"peer","serverAddress","serverPort","calls","routes":[{"route","method","calls"}]}],"requests",
 * "endpoints":[{"route","method","requests"}]}]}}; {@code calls} counts outbound calls, {@code requests} answered ones.
 */
final class ServicesEndpoint implements HttpHandler {

    private final Database database;
    private final RollupStore rollupStore;
    private final JsonResponses json;

    ServicesEndpoint(Database database, RollupStore rollupStore, JsonResponses json) {
        this.database = database;
        this.rollupStore = rollupStore;
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        List<CallCount> counts = database.inTransaction(rollupStore::callCounts);
        Map<String, JsonObject> services = new LinkedHashMap<>();
        Map<String, JsonObject> peers = new LinkedHashMap<>();
        for (CallCount count : counts) {
            JsonObject service = services.computeIfAbsent(count.serviceName(), name -> {
                JsonObject created = new JsonObject();
                created.addProperty("name", name);
                created.addProperty("calls", 0L);
                created.add("peers", new JsonArray());
                created.addProperty("requests", 0L);
                created.add("endpoints", new JsonArray());
                return created;
            });
            if (count.kind() == CallKind.CALL) {
                // Logical calls repeat the attempts' call sites: listed once, as attempts.
                continue;
            }
            if (count.kind() == CallKind.SERVER) {
                JsonObject endpoint = new JsonObject();
                endpoint.addProperty("route", count.route());
                endpoint.addProperty("method", count.method());
                endpoint.addProperty("requests", count.calls());
                service.getAsJsonArray("endpoints").add(endpoint);
                service.addProperty("requests", service.get("requests").getAsLong() + count.calls());
                continue;
            }
            String peerName = count.serverAddress() + ":" + count.serverPort();
            JsonObject peer = peers.computeIfAbsent(count.serviceName() + "\u0000" + peerName, key -> {
                JsonObject created = new JsonObject();
                created.addProperty("peer", peerName);
                created.addProperty("serverAddress", count.serverAddress());
                created.addProperty("serverPort", count.serverPort());
                created.addProperty("calls", 0L);
                created.add("routes", new JsonArray());
                service.getAsJsonArray("peers").add(created);
                return created;
            });
            JsonObject route = new JsonObject();
            route.addProperty("route", count.route());
            route.addProperty("method", count.method());
            route.addProperty("calls", count.calls());
            peer.getAsJsonArray("routes").add(route);
            peer.addProperty("calls", peer.get("calls").getAsLong() + count.calls());
            service.addProperty("calls", service.get("calls").getAsLong() + count.calls());
        }
        JsonArray list = new JsonArray();
        services.values().forEach(list::add);
        JsonObject body = new JsonObject();
        body.add("services", list);
        json.send(exchange, 200, body);
    }
}
