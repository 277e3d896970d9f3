package dev.callsight.e2e.support;

import java.util.List;

/**
 * One call for a test application to make ({@code CallingApp}, {@code OkHttpApp}, the Apache apps), written on its
 * command line as {@code client|METHOD|url[|header[|timeoutMs]]}.
 *
 * @param client jdk, jdk-async, jdk-h2, jdk-follow, urlconnection; execute or enqueue (OkHttp); an Apache app's client
 * @param header a traceparent the application sets itself, or {@code name=value} for another header; null for none
 * @param timeoutMillis the application's own timeout, 0 for none
 */
public record AppCall(String client, String method, String url, String header, int timeoutMillis) {

    public static AppCall get(String client, Object url) {
        return of(client, "GET", url);
    }

    public static AppCall of(String client, String method, Object url) {
        return new AppCall(client, method, url.toString(), null, 0);
    }

    public AppCall withHeader(String applicationHeader) {
        return new AppCall(client, method, url, applicationHeader, timeoutMillis);
    }

    public AppCall withTimeout(int millis) {
        return new AppCall(client, method, url, header, millis);
    }

    /** The call as the application's command line takes it. */
    public String argument() {
        String argument = client + "|" + method + "|" + url;
        if (header == null && timeoutMillis == 0) {
            return argument;
        }
        return argument + "|" + (header == null ? "-" : header) + (timeoutMillis == 0 ? "" : "|" + timeoutMillis);
    }

    public static List<String> arguments(List<AppCall> calls) {
        return calls.stream().map(AppCall::argument).toList();
    }
}
