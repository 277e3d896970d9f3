package dev.callsight.e2e.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Headless Debian Chromium driven through Debian's chromedriver over the W3C WebDriver protocol (plain JSON over
 * HTTP on loopback, so no client library). Missing programs skip the test, or fail it under CI.
 */
public final class Browser implements AutoCloseable {

    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Process driver;
    private final URI session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Browser(Process driver, URI session) {
        this.driver = driver;
        this.session = session;
    }

    public static Browser start(Path profile) throws Exception {
        Path chromium = Programs.require("chromium", "chromium");
        Path chromedriver = Programs.require("chromedriver", "chromium-driver");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(Files.createTempFile(profile.getParent(), "chromedriver", ".log").toFile())
                .start();
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        try {
            Browser starting = new Browser(driver, base);
            Eventually.get(starting::readyOrNull, "chromedriver ready on port " + port, WAIT);
            JsonObject options = new JsonObject();
            options.addProperty("binary", chromium.toString());
            JsonArray arguments = new JsonArray();
            List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                    "--user-data-dir=" + profile).forEach(arguments::add);
            options.add("args", arguments);
            JsonObject always = new JsonObject();
            always.addProperty("browserName", "chrome");
            always.add("goog:chromeOptions", options);
            JsonObject capabilities = new JsonObject();
            capabilities.add("alwaysMatch", always);
            JsonObject request = new JsonObject();
            request.add("capabilities", capabilities);
            String id = starting.send("POST", base.resolve("session"), request).getAsJsonObject("value")
                    .get("sessionId").getAsString();
            return new Browser(driver, base.resolve("session/" + id + "/"));
        } catch (Exception | AssertionError e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    /** True once chromedriver answers that it is ready; null while it is starting. */
    private Boolean readyOrNull() throws Exception {
        try {
            return send("GET", session.resolve("status"), null).getAsJsonObject("value").get("ready").getAsBoolean()
                    ? true : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Loads the page afresh. Via a blank page, because a URL that differs only in its fragment would not reload,
     * and the previous page's elements could then answer for the new one's.
     */
    public void open(URI page) throws Exception {
        for (String url : List.of("about:blank", page.toString())) {
            JsonObject body = new JsonObject();
            body.addProperty("url", url);
            command("POST", "url", body);
        }
    }

    /** The elements matching a CSS selector now, possibly none. */
    public List<String> elements(String css) throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("using", "css selector");
        body.addProperty("value", css);
        List<String> ids = new ArrayList<>();
        for (JsonElement element : command("POST", "elements", body).getAsJsonArray()) {
            ids.add(element.getAsJsonObject().get(ELEMENT).getAsString());
        }
        return ids;
    }

    /** The first element matching a CSS selector, waiting for the page to render one. */
    public String element(String css) throws Exception {
        return Eventually.get(() -> {
            List<String> found = elements(css);
            return found.isEmpty() ? null : found.get(0);
        }, "an element matching " + css, WAIT);
    }

    /**
     * Waits until an element matches and its text passes {@code test}; returns that text. An element the page's
     * refresh replaced between finding and reading it is looked for again.
     */
    public String awaitText(String css, Predicate<String> test) throws Exception {
        return Eventually.get(() -> {
            try {
                for (String element : elements(css)) {
                    String text = text(element);
                    if (test.test(text)) {
                        return text;
                    }
                }
            } catch (StaleElementException replaced) {
                return null;
            }
            return null;
        }, "text of " + css + " to match", WAIT);
    }

    /** The page re-rendered the element since it was found: find it again. */
    public static final class StaleElementException extends IllegalStateException {
        StaleElementException(String message) {
            super(message);
        }
    }

    public String text(String element) throws Exception {
        return command("GET", "element/" + element + "/text", null).getAsString();
    }

    public String attribute(String element, String name) throws Exception {
        JsonElement value = command("GET", "element/" + element + "/attribute/" + name, null);
        return value.isJsonNull() ? null : value.getAsString();
    }

    public void click(String element) throws Exception {
        command("POST", "element/" + element + "/click", new JsonObject());
    }

    /** Moves the mouse to {@code dx} pixels right of the element's centre and clicks there, as a person would. */
    public void clickAt(String element, int dx) throws Exception {
        JsonObject origin = new JsonObject();
        origin.addProperty(ELEMENT, element);
        JsonObject move = new JsonObject();
        move.addProperty("type", "pointerMove");
        move.addProperty("duration", 0);
        move.add("origin", origin);
        move.addProperty("x", dx);
        move.addProperty("y", 0);
        JsonArray steps = new JsonArray();
        steps.add(move);
        for (String type : List.of("pointerDown", "pointerUp")) {
            JsonObject press = new JsonObject();
            press.addProperty("type", type);
            press.addProperty("button", 0);
            steps.add(press);
        }
        JsonObject mouse = new JsonObject();
        mouse.addProperty("type", "pointer");
        mouse.addProperty("id", "mouse");
        mouse.add("actions", steps);
        JsonArray sources = new JsonArray();
        sources.add(mouse);
        JsonObject body = new JsonObject();
        body.add("actions", sources);
        command("POST", "actions", body);
    }

    public void type(String element, String text) throws Exception {
        command("POST", "element/" + element + "/clear", new JsonObject());
        JsonObject body = new JsonObject();
        body.addProperty("text", text);
        command("POST", "element/" + element + "/value", body);
    }

    /** Runs a script in the page and returns its result. */
    public JsonElement script(String source) throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("script", source);
        body.add("args", new JsonArray());
        return command("POST", "execute/sync", body);
    }

    /** Whether a JavaScript alert is open, as an injected {@code alert(1)} would leave one. */
    public boolean alertOpen() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(session.resolve("alert/text"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200;
    }

    public void screenshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(command("GET", "screenshot", null).getAsString()));
    }

    private JsonElement command(String method, String path, JsonObject body) throws Exception {
        return send(method, session.resolve(path), body).get("value");
    }

    private JsonObject send(String method, URI uri, JsonObject body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String message = "WebDriver " + method + " " + uri + " answered " + response.statusCode() + ": "
                    + response.body();
            throw response.body().contains("\"stale element reference\"") ? new StaleElementException(message)
                    : new IllegalStateException(message);
        }
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    @Override
    public void close() throws Exception {
        try {
            send("DELETE", URI.create(session.toString().replaceAll("/$", "")), null);
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        }
    }
}
