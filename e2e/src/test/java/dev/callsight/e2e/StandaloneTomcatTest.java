package dev.callsight.e2e;

import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Two WARs (e2e/apps/shop-a and shop-b, each with its own releases of the client libraries in WEB-INF/lib) in a
 * standalone Tomcat 10.1 as the Apache distribution ships it, started the way catalina.sh starts it, on a fresh
 * CATALINA_BASE: the servlet API loads in Tomcat's common class loader, each application's libraries in its own web
 * application class loader.
 */
class StandaloneTomcatTest extends DeployedServiceTest {

    StandaloneTomcatTest() {
        super("e2e-tomcat-wars", WARS);
    }

    @Override
    InstrumentedServer startServer(Path workDir, Map<String, String> environment, List<String> jvmOptions)
            throws Exception {
        Path home = Jvm.tomcatHome();
        Path base = workDir.resolve("catalina-base");
        for (String directory : List.of("conf", "webapps", "logs", "temp", "work")) {
            Files.createDirectories(base.resolve(directory));
        }
        for (String file : List.of("catalina.properties", "context.xml", "logging.properties", "web.xml")) {
            Files.copy(home.resolve("conf").resolve(file), base.resolve("conf").resolve(file));
        }
        // Loopback only, a free port, no shutdown port: SIGTERM stops it through Tomcat's shutdown hook.
        Files.writeString(base.resolve("conf/server.xml"), String.join("\n",
                "<Server port=\"-1\" shutdown=\"SHUTDOWN\">",
                "  <Service name=\"Catalina\">",
                "    <Connector port=\"0\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"/>",
                "    <Engine name=\"Catalina\" defaultHost=\"localhost\">",
                "      <Host name=\"localhost\" appBase=\"webapps\" unpackWARs=\"true\" autoDeploy=\"false\"/>",
                "    </Engine>",
                "  </Service>",
                "</Server>",
                ""));
        for (Path war : Jvm.wars()) {
            Files.copy(war, base.resolve("webapps").resolve(war.getFileName()));
        }
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.addAll(List.of(
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-cp", home.resolve("bin/bootstrap.jar") + File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        return InstrumentedServer.launch(Path.of(System.getProperty("java.home")), environment, arguments, "tomcat",
                Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"]"),
                Pattern.compile("Server startup in \\["));
    }
}
