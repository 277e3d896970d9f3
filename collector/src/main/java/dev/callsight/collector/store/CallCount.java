package dev.callsight.collector.store;

/** How many calls one service made to one peer route and method, summed over all stored minutes. */
public record CallCount(String serviceName, String serverAddress, int serverPort, String route, String method,
        long calls) {
}
