package dev.callsight.collector.serve;

import com.google.gson.Gson;
import dev.callsight.collector.store.Database;
import java.sql.SQLException;
import java.util.Optional;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/** Writes JSON bodies and JSON errors ({@code {"error": "..."}}). */
final class JsonResponses {

    private final Gson gson = new Gson();

    void send(HttpServerExchange exchange, int status, JsonElement body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(gson.toJson(body), StandardCharsets.UTF_8);
    }

    /** Runs a read in a transaction; when the store fails, answers 503 and returns empty. */
    <T> Optional<T> read(HttpServerExchange exchange, Database database, Database.TransactionWork<T> work) {
        try {
            return Optional.of(database.inTransaction(work));
        } catch (SQLException e) {
            error(exchange, 503, "store unavailable: " + e.getMessage());
            return Optional.empty();
        }
    }

    void error(HttpServerExchange exchange, int status, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message);
        send(exchange, status, body);
    }
}
