package dev.callsight.e2e.app.server;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10, jakarta.servlet 6) serving {@link JakartaRoutes} on a free loopback port. */
public final class JettyApp {

    private JettyApp() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        for (Map.Entry<String, HttpServlet> route : JakartaRoutes.servlets().entrySet()) {
            ServletHolder holder = new ServletHolder(route.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, route.getKey());
        }
        FilterHolder filter = new FilterHolder(JakartaRoutes.filter());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        Outbound.serveUntilStdinCloses(connector.getLocalPort());
        server.stop();
    }
}
