package dev.callsight.e2e.app.server;

import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import java.net.InetSocketAddress;
import java.util.Map;

/** Embedded Undertow servlet (2.3, jakarta.servlet 6) serving {@link JakartaRoutes} on a free loopback port. */
public final class UndertowApp {

    private UndertowApp() {}

    public static void main(String[] args) throws Exception {
        DeploymentInfo deployment = Servlets.deployment().setClassLoader(UndertowApp.class.getClassLoader())
                .setContextPath("/").setDeploymentName("e2e");
        int n = 0;
        for (Map.Entry<String, HttpServlet> route : JakartaRoutes.servlets().entrySet()) {
            deployment.addServlet(Servlets.servlet("servlet" + n++, Servlet.class,
                    new ImmediateInstanceFactory<Servlet>(route.getValue())).addMapping(route.getKey())
                    .setAsyncSupported(true));
        }
        deployment.addFilter(Servlets.filter("pass", Filter.class, new ImmediateInstanceFactory<Filter>(
                JakartaRoutes.filter())).setAsyncSupported(true));
        deployment.addFilterUrlMapping("pass", "/*", DispatcherType.REQUEST);
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(manager.start()).build();
        server.start();
        Outbound.serveUntilStdinCloses(((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort());
        server.stop();
    }
}
