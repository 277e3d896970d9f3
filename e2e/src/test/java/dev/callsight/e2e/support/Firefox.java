package dev.callsight.e2e.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.callsight.testing.Eventually;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Headless Debian Firefox ESR driven over its built-in WebDriver BiDi (JSON over a WebSocket on loopback; Debian has
 * no geckodriver). Collects the page's JavaScript errors and console errors from {@code log.entryAdded}. A missing
 * firefox-esr skips the test, or fails it under CI.
 */
public final class Firefox implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Keeps Firefox off the network: no updates, telemetry, remote settings or captive-portal checks. */
    private static final List<String> PREFERENCES = List.of(
            "user_pref(\"app.update.enabled\", false);",
            "user_pref(\"app.normandy.enabled\", false);",
            "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
            "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
            "user_pref(\"toolkit.telemetry.enabled\", false);",
            "user_pref(\"network.captive-portal-service.enabled\", false);",
            "user_pref(\"network.connectivity-service.enabled\", false);",
            "user_pref(\"services.settings.server\", \"http://127.0.0.1:9/\");",
            "user_pref(\"browser.safebrowsing.update.enabled\", false);",
            "user_pref(\"extensions.update.enabled\", false);",
            "user_pref(\"network.proxy.type\", 0);");

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private String context;

    private Firefox(Process process, WebSocket.Builder builder, URI endpoint) throws Exception {
        this.process = process;
        this.socket = builder.buildAsync(endpoint, new Listener()).get(10, TimeUnit.SECONDS);
    }

    public static Firefox start(Path profile) throws Exception {
        Path firefox = Programs.require("firefox-esr", "firefox-esr");
        Files.createDirectories(profile);
        Files.write(profile.resolve("user.js"), PREFERENCES);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile(profile.getParent(), "firefox", ".log");
        Process process = new ProcessBuilder(firefox.toString(), "--headless", "--no-remote", "--profile",
                profile.toString(), "--remote-debugging-port=" + port, "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Eventually.get(() -> Files.readString(log).contains("WebDriver BiDi listening") ? true : null,
                    "Firefox's WebDriver BiDi on port " + port, WAIT);
            Firefox browser = new Firefox(process, HttpClient.newHttpClient().newWebSocketBuilder(),
                    URI.create("ws://127.0.0.1:" + port + "/session"));
            JsonObject capabilities = new JsonObject();
            capabilities.add("capabilities", new JsonObject());
            browser.send("session.new", capabilities);
            JsonObject subscribe = new JsonObject();
            JsonArray events = new JsonArray();
            events.add("log.entryAdded");
            subscribe.add("events", events);
            browser.send("session.subscribe", subscribe);
            browser.context = browser.send("browsingContext.getTree", new JsonObject()).getAsJsonArray("contexts")
                    .get(0).getAsJsonObject().get("context").getAsString();
            JsonObject viewport = new JsonObject();
            viewport.addProperty("width", 1400);
            viewport.addProperty("height", 1000);
            JsonObject size = new JsonObject();
            size.addProperty("context", browser.context);
            size.add("viewport", viewport);
            browser.send("browsingContext.setViewport", size);
            return browser;
        } catch (Exception | AssertionError e) {
            destroy(process);
            throw e;
        }
    }

    /** Loads the page afresh (via a blank page, so a new fragment reloads) and waits for its load event. */
    public void open(URI page) throws Exception {
        for (String url : List.of("about:blank", page.toString())) {
            JsonObject params = new JsonObject();
            params.addProperty("context", context);
            params.addProperty("url", url);
            params.addProperty("wait", "complete");
            send("browsingContext.navigate", params);
        }
    }

    /** The text of every element matching a CSS selector now, possibly none. */
    public List<String> texts(String css) throws Exception {
        JsonObject result = evaluate("JSON.stringify([...document.querySelectorAll(" + new JsonPrimitive(css)
                + ")].map(e => e.innerText))");
        List<String> texts = new ArrayList<>();
        JsonParser.parseString(result.get("value").getAsString()).getAsJsonArray()
                .forEach(text -> texts.add(text.getAsString()));
        return texts;
    }

    /** Waits until an element matches and its text passes {@code test}; returns that text. */
    public String awaitText(String css, Predicate<String> test) throws Exception {
        return Eventually.get(() -> texts(css).stream().filter(test).findFirst().orElse(null),
                "text of " + css + " to match in Firefox", WAIT);
    }

    /** Runs a script expression in the page; its value as a string. */
    public String script(String expression) throws Exception {
        JsonObject result = evaluate("String(" + expression + ")");
        return result.get("value").getAsString();
    }

    /** JavaScript errors and console errors the pages logged so far. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    public void screenshot(Path file) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("context", context);
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(send("browsingContext.captureScreenshot", params)
                .get("data").getAsString()));
    }

    private JsonObject evaluate(String expression) throws Exception {
        JsonObject target = new JsonObject();
        target.addProperty("context", context);
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.add("target", target);
        params.addProperty("awaitPromise", true);
        JsonObject result = send("script.evaluate", params);
        if (!"success".equals(result.get("type").getAsString())) {
            throw new IllegalStateException("script failed in Firefox: " + result);
        }
        return result.getAsJsonObject("result");
    }

    private JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        JsonObject command = new JsonObject();
        command.addProperty("id", id);
        command.addProperty("method", method);
        command.add("params", params);
        socket.sendText(command.toString(), true).get(10, TimeUnit.SECONDS);
        JsonObject message = answer.get(60, TimeUnit.SECONDS);
        if (message.has("error")) {
            throw new IllegalStateException("BiDi " + method + " failed: " + message);
        }
        return message.getAsJsonObject("result");
    }

    /** Answers go to their command by id; log entries of level error are kept. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = JsonParser.parseString(partial.toString()).getAsJsonObject();
                partial.setLength(0);
                if (message.has("id") && !message.get("id").isJsonNull()) {
                    CompletableFuture<JsonObject> answer = pending.remove(message.get("id").getAsInt());
                    if (answer != null) {
                        answer.complete(message);
                    }
                } else if ("log.entryAdded".equals(text(message.get("method")))) {
                    JsonObject entry = message.getAsJsonObject("params");
                    if ("error".equals(text(entry.get("level")))) {
                        errors.add(text(entry.get("type")) + ": " + text(entry.get("text")));
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        private static String text(JsonElement element) {
            return element == null || element.isJsonNull() ? null : element.getAsString();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            send("session.end", new JsonObject());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing is best effort: the process goes below either way.
        } finally {
            destroy(process);
        }
    }

    private static void destroy(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroy);
    }
}
