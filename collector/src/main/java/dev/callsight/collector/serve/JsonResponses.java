package dev.callsight.collector.serve;

import com.google.gson.Gson;
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

    void error(HttpServerExchange exchange, int status, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message);
        send(exchange, status, body);
    }
}
