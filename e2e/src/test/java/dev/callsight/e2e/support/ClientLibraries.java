package dev.callsight.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The client-library and server-container releases the build copied for the tests, one folder per release named
 * {@code artifact-version} (e.g. httpclient5-5.0, server-tomcat-10.1.34), so an application JVM can run with exactly
 * one.
 */
public final class ClientLibraries {

    private ClientLibraries() {}

    /** The folders of every copied release of one artifact, e.g. "httpclient5". */
    public static List<String> releasesOf(String artifact) {
        try (Stream<Path> folders = Files.list(root())) {
            List<String> releases = folders.map(folder -> folder.getFileName().toString())
                    .filter(name -> name.startsWith(artifact + "-")).sorted().collect(Collectors.toList());
            if (releases.isEmpty()) {
                throw new IllegalStateException("no release of " + artifact + " in " + root());
            }
            return releases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars of one release with its runtime dependencies. */
    public static List<Path> jarsOf(String release) {
        try (Stream<Path> jars = Files.list(root().resolve(release))) {
            return jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        Path root = Path.of(System.getProperty("callsight.client.libraries", "")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("client libraries not found at " + root + "; run the tests with mvn verify from the root");
        }
        return root;
    }
}
