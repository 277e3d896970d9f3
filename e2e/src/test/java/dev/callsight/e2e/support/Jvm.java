package dev.callsight.e2e.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the built jars, the repository's dashboards and the JDKs to test with are. */
public final class Jvm {

    /** The Temurin 25 JDK the machine provides, tested beside the JDK running the build. */
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private Jvm() {}

    public static Path java() {
        return javaIn(Path.of(System.getProperty("java.home")));
    }

    public static Path javaIn(Path javaHome) {
        return javaHome.resolve("bin").resolve("java");
    }

    /** Every JDK the agent must work on that this machine has; under CI, Temurin 25 must be there. */
    public static List<Path> javaHomes() {
        List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        if (Files.isExecutable(javaIn(TEMURIN_25))) {
            homes.add(TEMURIN_25);
        } else if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must test the agent on Temurin 25, expected at " + TEMURIN_25);
        }
        return homes;
    }

    public static Path agentJar() {
        return existing("callsight.agent.jar");
    }

    public static Path collectorJar() {
        return existing("callsight.collector.jar");
    }

    public static Path testClasses() {
        return existing("callsight.test.classes");
    }

    /** The Spring Boot 3 executable jar of e2e/apps/boot3. */
    public static Path boot3Jar() {
        return existing("callsight.boot3.jar");
    }

    /** The Spring Boot 3 WebFlux executable jar of e2e/apps/webflux. */
    public static Path webfluxJar() {
        return existing("callsight.webflux.jar");
    }

    /** The WARs of e2e/apps/shop-a and shop-b. */
    public static List<Path> wars() {
        List<Path> wars = new ArrayList<>();
        for (String war : System.getProperty("callsight.wars", "").split(File.pathSeparator)) {
            wars.add(existingPath("callsight.wars", war));
        }
        return wars;
    }

    /** An unpacked standalone Tomcat distribution. */
    public static Path tomcatHome() {
        return existing("callsight.tomcat.home");
    }

    /** An unpacked Jetty distribution (jetty-home). */
    public static Path jettyHome() {
        return existing("callsight.jetty.home");
    }

    /** The repository's {@code dashboards/} directory. */
    public static Path dashboards() {
        return existing("callsight.dashboards");
    }

    /** The repository's {@code bench/} directory, built. */
    public static Path bench() {
        return existing("callsight.bench");
    }

    private static Path existing(String property) {
        return existingPath(property, System.getProperty(property, ""));
    }

    private static Path existingPath(String property, String value) {
        Path path = Path.of(value).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " not found at " + path + "; run the tests with mvn verify from the root");
        }
        return path;
    }
}
