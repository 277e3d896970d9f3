package dev.callsight.e2e.app.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes every jakarta.servlet test application serves, whatever the container, behind one pass-through filter
 * on every path (so filter and servlet nest, as in real applications).
 */
public final class JakartaRoutes {

    private JakartaRoutes() {}

    /** Servlet mapping to servlet, in registration order; every servlet supports async. */
    public static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                respond(response, 200, "hello");
            }
        });
        servlets.put("/users/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                respond(response, 200, "user " + request.getPathInfo());
            }
        });
        servlets.put("/outbound", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                respond(response, Outbound.get(request.getParameter("to")), "called");
            }
        });
        servlets.put("/fail", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                respond(response, 503, "unavailable");
            }
        });
        servlets.put("/throw", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                throw new IllegalStateException("the handler failed");
            }
        });
        servlets.put("/async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                AsyncContext async = request.startAsync();
                Thread answer = new Thread(() -> {
                    try {
                        Thread.sleep(Outbound.ASYNC_DELAY_MILLIS);
                        respond((HttpServletResponse) async.getResponse(), 202, "accepted later");
                    } catch (InterruptedException | IOException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        async.complete();
                    }
                }, "async-answer");
                answer.start();
            }
        });
        return servlets;
    }

    /** Passes every request on; marks the response so the test sees the filter ran. */
    public static Filter filter() {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                ((HttpServletResponse) response).setHeader("X-Filtered", "yes");
                chain.doFilter(request, response);
            }
        };
    }

    private static void respond(HttpServletResponse response, int status, String body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.getWriter().write(body);
    }
}
