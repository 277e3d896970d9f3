package dev.callsight.e2e.app.server;

import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat (10.1, jakarta.servlet) serving {@link JakartaRoutes} on a free loopback port. */
public final class TomcatApp {

    private TomcatApp() {}

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        int n = 0;
        for (Map.Entry<String, HttpServlet> route : JakartaRoutes.servlets().entrySet()) {
            String name = "servlet" + n++;
            Wrapper wrapper = Tomcat.addServlet(context, name, route.getValue());
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded(route.getKey(), name);
        }
        FilterDef filter = new FilterDef();
        filter.setFilterName("pass");
        filter.setFilter(JakartaRoutes.filter());
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("pass");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        tomcat.start();
        Outbound.serveUntilStdinCloses(connector.getLocalPort());
        tomcat.stop();
        tomcat.destroy();
    }
}
