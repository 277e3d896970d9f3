package dev.callsight.collector.slo;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Pushes alerts to Alertmanager's v2 API ({@code POST /api/v2/alerts}). A firing alert is re-sent at every
 * evaluation with an end a few intervals ahead, as Prometheus does, so Alertmanager resolves it by itself if the
 * collector goes away; a resolved one is sent once with its end set to now. A failed push is reported and dropped:
 * the next evaluation sends the firing ones again.
 */
public final class AlertmanagerClient implements AlertSink {

    private final URI alertsUri;
    private final String sloLinkBase;
    private final Duration resendWindow;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Gson gson = new Gson();
    private String lastProblem;

    /**
     * @param alertmanager Alertmanager's base URL, e.g. {@code http://127.0.0.1:9093}
     * @param sloLinkBase prefix of each SLO's page, to which the SLO name is appended
     * @param interval how often alerts are evaluated
     */
    public AlertmanagerClient(URI alertmanager, String sloLinkBase, Duration interval) {
        String base = alertmanager.toString().replaceAll("/+$", "");
        this.alertsUri = URI.create(base + "/api/v2/alerts");
        this.sloLinkBase = sloLinkBase;
        this.resendWindow = interval.multipliedBy(4).compareTo(Duration.ofMinutes(1)) < 0
                ? Duration.ofMinutes(1) : interval.multipliedBy(4);
    }

    @Override
    public void send(List<AlertNotice> notices) {
        if (notices.isEmpty()) {
            return;
        }
        JsonArray alerts = new JsonArray();
        notices.forEach(notice -> alerts.add(toJson(notice)));
        HttpRequest request = HttpRequest.newBuilder(alertsUri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(gson.toJson(alerts))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            report(response.statusCode() / 100 == 2 ? null
                    : "Alertmanager " + alertsUri + " answered " + response.statusCode() + ": " + response.body());
        } catch (IOException e) {
            report("cannot reach Alertmanager " + alertsUri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonObject toJson(AlertNotice notice) {
        JsonObject labels = new JsonObject();
        notice.alert().labels(notice.slo()).forEach(labels::addProperty);
        JsonObject annotations = new JsonObject();
        annotations.addProperty("summary", notice.alert().summary(notice.slo()));
        annotations.addProperty("description", notice.alert().description(notice.slo()));
        JsonObject alert = new JsonObject();
        alert.add("labels", labels);
        alert.add("annotations", annotations);
        alert.addProperty("startsAt", notice.startsAt().toString());
        alert.addProperty("endsAt", (notice.firing() ? notice.at().plus(resendWindow) : notice.at()).toString());
        alert.addProperty("generatorURL", sloLinkBase + notice.slo().name());
        return alert;
    }

    /** Says what went wrong once, and once when it works again, instead of every minute. */
    private void report(String problem) {
        if (problem != null && !problem.equals(lastProblem)) {
            System.err.println("callsight: " + problem);
        } else if (problem == null && lastProblem != null) {
            System.err.println("callsight: Alertmanager " + alertsUri + " accepts alerts again");
        }
        lastProblem = problem;
    }
}
