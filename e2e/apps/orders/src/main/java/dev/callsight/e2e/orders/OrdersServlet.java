package dev.callsight.e2e.orders;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A plain servlet, mapped to {@code /orders/*} by the WARs' web.xml: {@code GET /orders/{orderId}/items?via=LIBRARY&target=URL}
 * calls the target through that library ({@link Upstream}) and answers with the upstream's status and body, or 502
 * and the exception when the call fails.
 */
public final class OrdersServlet extends HttpServlet {

    private static final Pattern ITEMS = Pattern.compile("/[^/]+/items");

    private transient Upstream upstream;

    @Override
    public void init() {
        upstream = new Upstream();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        if (request.getPathInfo() == null || !ITEMS.matcher(request.getPathInfo()).matches()) {
            response.setStatus(404);
            response.getWriter().write("no such resource: " + request.getRequestURI());
            return;
        }
        try {
            Upstream.Answer answer = upstream.get(request.getParameter("via"), request.getParameter("target"));
            response.setStatus(answer.status());
            response.getWriter().write(answer.body());
        } catch (IOException | RuntimeException failed) {
            response.setStatus(502);
            response.getWriter().write(Upstream.failure(failed));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            response.setStatus(502);
            response.getWriter().write(Upstream.failure(interrupted));
        }
    }

    @Override
    public void destroy() {
        try {
            upstream.close();
        } catch (IOException ignored) {
            // The web application is going away; its clients' sockets go with it.
        }
    }
}
