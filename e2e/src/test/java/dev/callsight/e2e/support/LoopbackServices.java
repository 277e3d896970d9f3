package dev.callsight.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end test class calls and exports to, all on loopback: a recording upstream
 * (HTTP/1.1, and TLS with HTTP/2 under a self-signed certificate) and a collector process.
 * Registered as a static extension, it starts before the class's first test and stops after its
 * last.
 */
public final class LoopbackServices implements BeforeAllCallback, AfterAllCallback {

    private Path workDir;
    private TestCertificate certificate;
    private RecordingServer upstream;
    private CollectorProcess collector;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("callsight-e2e");
        certificate = TestCertificate.create(workDir);
        upstream = new RecordingServer(certificate.serverContext());
        collector = CollectorProcess.start(workDir.resolve("collector-data"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException leftBehind) {
            // A temporary folder; the test's outcome does not depend on it.
        }
    }

    public RecordingServer upstream() {
        return upstream;
    }

    public CollectorProcess collector() {
        return collector;
    }

    /** JVM options under which the application trusts the upstream's certificate. */
    public List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + certificate.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + TestCertificate.PASSWORD);
    }
}
