package dev.callsight.e2e;

import dev.callsight.e2e.support.InstrumentedServer;
import dev.callsight.e2e.support.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Spring Boot 3 executable jar (e2e/apps/boot3: Spring MVC on the embedded Tomcat, the client libraries in
 * BOOT-INF/lib, all loaded by Boot's own class loader), started as users start it: {@code java -javaagent:... -jar}.
 * Spring MVC's route is the SERVER span's: {@code /orders/{orderId}/items}, the pattern the handler was mapped by.
 */
class SpringBootJarTest extends DeployedServiceTest {

    SpringBootJarTest() {
        super("e2e-boot3-jar", List.of(new WebApp("boot3", "", "/orders/{orderId}/items")));
    }

    @Override
    InstrumentedServer startServer(Path workDir, Map<String, String> environment, List<String> jvmOptions)
            throws Exception {
        List<String> arguments = new ArrayList<>(jvmOptions);
        // The embedded Tomcat's work directories go with the test's.
        arguments.add("-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("boot3-temp")));
        arguments.addAll(List.of("-jar", Jvm.boot3Jar().toString(), "--server.port=0", "--server.address=127.0.0.1"));
        return InstrumentedServer.launch(Path.of(System.getProperty("java.home")), environment, arguments, "boot3",
                InstrumentedServer.LISTENING, Pattern.compile("Started OrdersApplication in"));
    }
}
