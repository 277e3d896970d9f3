package dev.callsight.agent.instrumentation.jakartaservlet;

import dev.callsight.agent.bootstrap.ServerHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.HttpServerTracer;
import dev.callsight.agent.core.RequestHeaders;
import dev.callsight.agent.core.ServerCall;
import dev.callsight.agent.core.ServerRequest;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.util.Collections;

/**
 * The glue between jakarta.servlet containers and the core. Filters and servlets nest, and a
 * container re-enters them for forwards, includes, error pages and async dispatches; only the
 * outermost entry of the container's original REQUEST dispatch makes a span. A request put
 * into asynchronous mode ends when its AsyncContext completes, not when service returns.
 */
final class JakartaServletCalls implements ServerHook {

    /** A request the agent traces, from the outermost entry to its exit. */
    private static final class InFlight {
        final ServerCall call;
        final HttpServletRequest request;
        final HttpServletResponse response;

        InFlight(ServerCall call, HttpServletRequest request, HttpServletResponse response) {
            this.call = call;
            this.request = request;
            this.response = response;
        }
    }

    private static final String SPRING_MVC_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private final HttpServerTracer tracer;
    private final CallDepth depth = new CallDepth();

    JakartaServletCalls(HttpServerTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Object enter(Object request, Object response) {
        if (depth.enter() > 0 || !(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
            return null;
        }
        HttpServletRequest http = (HttpServletRequest) request;
        if (http.getDispatcherType() != DispatcherType.REQUEST) {
            return null;
        }
        ServerCall call = tracer.start(new ServerRequest(http.getMethod(), http.getScheme(), http.getRequestURI(),
                http.getQueryString(), routeOf(http), http.getServerName(), http.getServerPort(), http.getRemoteAddr(),
                http.getHeader("User-Agent"), new Headers(http)));
        return new InFlight(call, http, (HttpServletResponse) response);
    }

    @Override
    public void exit(Object entered, Throwable thrown) {
        depth.exit();
        if (!(entered instanceof InFlight)) {
            return;
        }
        InFlight request = (InFlight) entered;
        request.call.detach();
        if (thrown == null && request.request.isAsyncStarted()) {
            // The container runs completion only after this dispatch returns, so the listener cannot miss it.
            request.request.getAsyncContext().addListener(new CompletionListener(tracer, request));
            return;
        }
        tracer.end(request.call, statusOf(request.response, thrown), thrown, frameworkRoute(request.request));
    }

    /**
     * The route the web framework matched, which it leaves in a request attribute: Spring MVC's
     * best matching pattern (a String, or a PathPattern whose text is the pattern).
     */
    static String frameworkRoute(HttpServletRequest request) {
        Object pattern = request.getAttribute(SPRING_MVC_PATTERN);
        return pattern == null ? null : request.getContextPath() + pattern;
    }

    /** What the client gets: the container answers an exception with 500 unless the response is already out. */
    static int statusOf(HttpServletResponse response, Throwable thrown) {
        return thrown != null && !response.isCommitted() ? 500 : response.getStatus();
    }

    /**
     * The servlet mapping when it names one resource; for a wildcard or default mapping, where
     * the servlet routes further itself, null, so the core templates the path.
     */
    private static String routeOf(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        if (mapping == null || mapping.getMappingMatch() != MappingMatch.EXACT) {
            return null;
        }
        return request.getContextPath() + mapping.getPattern();
    }

    private static final class Headers implements RequestHeaders {
        private final HttpServletRequest request;

        Headers(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public String get(String name) {
            return request.getHeader(name);
        }

        @Override
        public Iterable<String> names() {
            return Collections.list(request.getHeaderNames());
        }
    }

    /** Ends an asynchronous request when its response completes, fails or times out unanswered. */
    private static final class CompletionListener implements AsyncListener {
        private final HttpServerTracer tracer;
        private final InFlight request;

        CompletionListener(HttpServerTracer tracer, InFlight request) {
            this.tracer = tracer;
            this.request = request;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            tracer.end(request.call, request.response.getStatus(), null, frameworkRoute(request.request));
        }

        @Override
        public void onError(AsyncEvent event) {
            tracer.end(request.call, statusOf(request.response, event.getThrowable()), event.getThrowable(),
                    frameworkRoute(request.request));
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // The container answers an unhandled timeout with an error status, then completes.
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Starting async again clears the listeners.
            event.getAsyncContext().addListener(this);
        }
    }
}
