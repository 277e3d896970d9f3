package dev.callsight.agent.instrumentation.servlet;

/**
 * What {@link ServletCalls} needs of one servlet API, javax.servlet or jakarta.servlet: the two differ only in their
 * package, so each has a small accessor over its own types and the logic is written once (as the OpenTelemetry
 * agent's servlet-common does).
 *
 * @param <Q> the API's HttpServletRequest
 * @param <R> the API's HttpServletResponse
 */
public interface ServletApi<Q, R> {

    /** The request as an HTTP request of this API, or null for a non-HTTP one. */
    Q httpRequest(Object request);

    /** The response as an HTTP response of this API, or null for a non-HTTP one. */
    R httpResponse(Object response);

    /** Whether this is the container's original dispatch, not a forward, include, error or async one. */
    boolean isRequestDispatch(Q request);

    String method(Q request);

    String scheme(Q request);

    String requestUri(Q request);

    String queryString(Q request);

    String serverName(Q request);

    int serverPort(Q request);

    String remoteAddr(Q request);

    String header(Q request, String name);

    Iterable<String> headerNames(Q request);

    String contextPath(Q request);

    Object attribute(Q request, String name);

    /**
     * The servlet mapping's pattern when it names one resource; null for a wildcard or default mapping, where the
     * servlet routes further itself, and on containers too old to say (Servlet 3.x).
     */
    String exactMappingPattern(Q request);

    boolean isAsyncStarted(Q request);

    /** Has {@code completion} told when the request's asynchronous processing completes or fails. */
    void onAsyncCompletion(Q request, AsyncCompletion completion);

    int status(R response);

    boolean isCommitted(R response);

    /** Told the end of an asynchronous request. */
    interface AsyncCompletion {
        void completed();

        void failed(Throwable failure);
    }
}
