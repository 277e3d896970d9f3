package dev.callsight.agent.instrumentation.servlet;

import dev.callsight.agent.bootstrap.ServerHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.http.RequestHeaders;
import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.core.server.ServerCall;
import dev.callsight.agent.core.server.ServerRequest;

/**
 * The glue between servlet containers and the core, over either servlet API ({@link ServletApi}). Filters and servlets
 * nest, and a container re-enters them for forwards, includes, error pages and async dispatches; only the outermost
 * entry of the container's original REQUEST dispatch makes a span. A request put into asynchronous mode ends when its
 * AsyncContext completes, not when service returns.
 */
public class ServletCalls<Q, R> implements ServerHook {

    private static final String SPRING_MVC_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private final HttpServerTracer tracer;
    private final ServletApi<Q, R> api;
    private final CallDepth depth = new CallDepth();

    protected ServletCalls(HttpServerTracer tracer, ServletApi<Q, R> api) {
        this.tracer = tracer;
        this.api = api;
    }

    /** A request the agent traces, from the outermost entry to its exit. */
    private final class InFlight {
        final ServerCall call;
        final Q request;
        final R response;

        InFlight(ServerCall call, Q request, R response) {
            this.call = call;
            this.request = request;
            this.response = response;
        }

        void end(int status, Throwable thrown) {
            tracer.end(call, status, thrown, frameworkRoute(request));
        }
    }

    @Override
    public final Object enter(Object request, Object response) {
        if (depth.enter() > 0) {
            return null;
        }
        Q http = api.httpRequest(request);
        R httpResponse = api.httpResponse(response);
        if (http == null || httpResponse == null || !api.isRequestDispatch(http)) {
            return null;
        }
        ServerCall call = tracer.start(new ServerRequest(api.method(http), api.scheme(http), api.requestUri(http),
                api.queryString(http), routeOf(http), api.serverName(http), api.serverPort(http), api.remoteAddr(http),
                api.header(http, "User-Agent"), new Headers(http)));
        return new InFlight(call, http, httpResponse);
    }

    @Override
    public final void exit(Object entered, Throwable thrown) {
        depth.exit();
        if (!(entered instanceof ServletCalls.InFlight)) {
            return;
        }
        @SuppressWarnings("unchecked")
        InFlight request = (InFlight) entered;
        request.call.detach();
        if (thrown == null && api.isAsyncStarted(request.request)) {
            // The container runs completion only after this dispatch returns, so the listener cannot miss it.
            api.onAsyncCompletion(request.request, new ServletApi.AsyncCompletion() {
                @Override
                public void completed() {
                    request.end(api.status(request.response), null);
                }

                @Override
                public void failed(Throwable failure) {
                    request.end(statusOf(request.response, failure), failure);
                }
            });
            return;
        }
        request.end(statusOf(request.response, thrown), thrown);
    }

    /**
     * The route the web framework matched, which it leaves in a request attribute: Spring MVC's best matching
     * pattern (a String, or a PathPattern whose text is the pattern).
     */
    private String frameworkRoute(Q request) {
        Object pattern = api.attribute(request, SPRING_MVC_PATTERN);
        return pattern == null ? null : api.contextPath(request) + pattern;
    }

    /** What the client gets: the container answers an exception with 500 unless the response is already out. */
    private int statusOf(R response, Throwable thrown) {
        return thrown != null && !api.isCommitted(response) ? 500 : api.status(response);
    }

    /** The exact servlet mapping, under the context path; otherwise null, so the core templates the path. */
    private String routeOf(Q request) {
        String pattern = api.exactMappingPattern(request);
        return pattern == null ? null : api.contextPath(request) + pattern;
    }

    private final class Headers implements RequestHeaders {
        private final Q request;

        Headers(Q request) {
            this.request = request;
        }

        @Override
        public String get(String name) {
            return api.header(request, name);
        }

        @Override
        public Iterable<String> names() {
            return api.headerNames(request);
        }
    }
}
