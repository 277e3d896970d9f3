package dev.callsight.e2e.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An application that keeps calling: {@code GET PREFIX0}, {@code PREFIX1}, ... {@code COUNT} times, one call
 * every {@code INTERVAL_MS}, with the JDK client. Prints each call as {@link CallingApp} does and exits 0 when
 * every call got an HTTP response. Arguments: {@code PREFIX COUNT INTERVAL_MS}.
 */
public final class SteadyCallingApp {

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        int count = Integer.parseInt(args[1]);
        long intervalMillis = Long.parseLong(args[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        boolean allAnswered = true;
        for (int i = 0; i < count; i++) {
            String url = prefix + i;
            long start = System.nanoTime();
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
                System.out.println("result|jdk|GET|" + url + "|" + status + "|" + (System.nanoTime() - start) / 1_000_000);
            } catch (Exception e) {
                allAnswered = false;
                System.out.println("error|jdk|GET|" + url + "|" + e + "|" + (System.nanoTime() - start) / 1_000_000);
            }
            Thread.sleep(intervalMillis);
        }
        System.exit(allAnswered ? 0 : 1);
    }
}
