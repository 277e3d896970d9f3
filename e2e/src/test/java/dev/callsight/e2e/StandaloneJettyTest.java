package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The same two WARs as {@link StandaloneTomcatTest} in a Jetty 12 distribution (jetty-home, ee10 deploy), started
 * with {@code start.jar} on a fresh jetty.base: Jetty's server classes load in start.jar's class loader, the servlet
 * API in the ee10 environment's, each application's libraries in its own WebAppClassLoader.
 */
class StandaloneJettyTest extends DeployedServiceTest {

    StandaloneJettyTest() {
        super("e2e-jetty-wars", WARS);
    }

    @Override
    InstrumentedServer startServer(Path workDir, Map<String, String> environment, List<String> jvmOptions)
            throws Exception {
        Path home = Jvm.jettyHome();
        Path base = Files.createDirectories(workDir.resolve("jetty-base"));
        Path temp = Files.createDirectories(workDir.resolve("jetty-temp"));
        List<String> startJar = List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base);
        List<String> setUp = new ArrayList<>(List.of(Jvm.java().toString()));
        setUp.addAll(startJar);
        setUp.add("--add-modules=http,ee10-deploy");
        Programs.Run created = Programs.run(setUp);
        assertEquals(0, created.exitCode(), created::output);
        for (Path war : Jvm.wars()) {
            Files.copy(war, base.resolve("webapps").resolve(war.getFileName()));
        }
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.add("-Djava.io.tmpdir=" + temp);
        arguments.addAll(startJar);
        arguments.addAll(List.of("jetty.http.host=127.0.0.1", "jetty.http.port=0"));
        return InstrumentedServer.launch(Path.of(System.getProperty("java.home")), environment, arguments, "jetty",
                Pattern.compile("Started ServerConnector@\\S+\\{HTTP/1\\.1, \\(http/1\\.1\\)}\\{127\\.0\\.0\\.1:(\\d+)}"),
                Pattern.compile("Started oejs\\.Server@"));
    }
}
