package dev.callsight.agent.instrumentation.jakartaservlet;

import dev.callsight.agent.instrumentation.servlet.ServletApi;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.util.Collections;

/** The jakarta.servlet API for the shared servlet glue. */
final class JakartaServletApi implements ServletApi<HttpServletRequest, HttpServletResponse> {

    @Override
    public HttpServletRequest httpRequest(Object request) {
        return request instanceof HttpServletRequest ? (HttpServletRequest) request : null;
    }

    @Override
    public HttpServletResponse httpResponse(Object response) {
        return response instanceof HttpServletResponse ? (HttpServletResponse) response : null;
    }

    @Override
    public boolean isRequestDispatch(HttpServletRequest request) {
        return request.getDispatcherType() == DispatcherType.REQUEST;
    }

    @Override
    public String method(HttpServletRequest request) {
        return request.getMethod();
    }

    @Override
    public String scheme(HttpServletRequest request) {
        return request.getScheme();
    }

    @Override
    public String requestUri(HttpServletRequest request) {
        return request.getRequestURI();
    }

    @Override
    public String queryString(HttpServletRequest request) {
        return request.getQueryString();
    }

    @Override
    public String serverName(HttpServletRequest request) {
        return request.getServerName();
    }

    @Override
    public int serverPort(HttpServletRequest request) {
        return request.getServerPort();
    }

    @Override
    public String remoteAddr(HttpServletRequest request) {
        return request.getRemoteAddr();
    }

    @Override
    public String header(HttpServletRequest request, String name) {
        return request.getHeader(name);
    }

    @Override
    public Iterable<String> headerNames(HttpServletRequest request) {
        return Collections.list(request.getHeaderNames());
    }

    @Override
    public String contextPath(HttpServletRequest request) {
        return request.getContextPath();
    }

    @Override
    public Object attribute(HttpServletRequest request, String name) {
        return request.getAttribute(name);
    }

    @Override
    public String exactMappingPattern(HttpServletRequest request) {
        HttpServletMapping mapping;
        try {
            mapping = request.getHttpServletMapping();
        } catch (LinkageError servlet3) {
            return null;
        }
        return mapping == null || mapping.getMappingMatch() != MappingMatch.EXACT ? null : mapping.getPattern();
    }

    @Override
    public boolean isAsyncStarted(HttpServletRequest request) {
        return request.isAsyncStarted();
    }

    @Override
    public void onAsyncCompletion(HttpServletRequest request, AsyncCompletion completion) {
        request.getAsyncContext().addListener(new CompletionListener(completion));
    }

    @Override
    public int status(HttpServletResponse response) {
        return response.getStatus();
    }

    @Override
    public boolean isCommitted(HttpServletResponse response) {
        return response.isCommitted();
    }

    /** Ends an asynchronous request when its response completes, fails or times out unanswered. */
    private static final class CompletionListener implements AsyncListener {
        private final AsyncCompletion completion;

        CompletionListener(AsyncCompletion completion) {
            this.completion = completion;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            completion.completed();
        }

        @Override
        public void onError(AsyncEvent event) {
            completion.failed(event.getThrowable());
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
