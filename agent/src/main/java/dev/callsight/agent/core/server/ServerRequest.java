package dev.callsight.agent.core.server;

import dev.callsight.agent.core.http.RequestHeaders;
import dev.callsight.agent.core.http.RouteTemplate;

/**
 * What a server library's glue knows about an inbound request when the application is handed
 * it: enough for the SERVER span, the duration metric and the parent context.
 */
public final class ServerRequest {

    private final String method;
    private final String scheme;
    private final String path;
    private final String query;
    private final String route;
    private final String serverAddress;
    private final int serverPort;
    private final String clientAddress;
    private final String userAgent;
    private final RequestHeaders headers;

    /**
     * @param query the raw query string, or null
     * @param route the framework's low-cardinality route, or null when it knows none and the
     *     path's {@link RouteTemplate} is to be used
     * @param serverPort the port the client addressed, or a non-positive value when unknown
     */
    public ServerRequest(String method, String scheme, String path, String query, String route, String serverAddress,
            int serverPort, String clientAddress, String userAgent, RequestHeaders headers) {
        this.method = method;
        this.scheme = scheme;
        this.path = path;
        this.query = query;
        this.route = route;
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
        this.clientAddress = clientAddress;
        this.userAgent = userAgent;
        this.headers = headers;
    }

    String method() {
        return method;
    }

    String scheme() {
        return scheme;
    }

    String path() {
        return path;
    }

    String query() {
        return query;
    }

    String route() {
        return route;
    }

    String serverAddress() {
        return serverAddress;
    }

    int serverPort() {
        return serverPort;
    }

    String clientAddress() {
        return clientAddress;
    }

    String userAgent() {
        return userAgent;
    }

    RequestHeaders headers() {
        return headers;
    }
}
