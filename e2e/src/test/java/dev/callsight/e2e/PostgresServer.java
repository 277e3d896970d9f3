package dev.callsight.e2e;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's {@code postgresql} package: {@code initdb} in a temporary directory
 * and {@code postgres} on a free loopback port, trusting local connections. PostgreSQL refuses to run as root, so
 * under root both run as {@code nobody}.
 */
final class PostgresServer implements AutoCloseable {

    private static final Path DEBIAN_BINARIES = Path.of("/usr/lib/postgresql");
    private static final String USER = "callsight";

    private final Process process;
    private final ProcessOutput output;
    private final Path directory;
    private final int port;

    private PostgresServer(Process process, ProcessOutput output, Path directory, int port) {
        this.process = process;
        this.output = output;
        this.directory = directory;
        this.port = port;
    }

    static PostgresServer start() throws Exception {
        Path bin = binaries().orElseGet(() -> Programs.unavailable(
                "PostgreSQL server not found under " + DEBIAN_BINARIES + "; install Debian's postgresql package"));
        Path directory = Files.createTempDirectory("callsight-postgres");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(directory, users.lookupPrincipalByName("nobody"));
        }
        Path data = directory.resolve("data");
        Programs.Run initdb = Programs.run(asUser(root, bin.resolve("initdb").toString(), "-D", data.toString(),
                "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"));
        if (initdb.exitCode() != 0) {
            throw new IllegalStateException("initdb failed: " + initdb.output());
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process process = new ProcessBuilder(asUser(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-k", directory.toString(), "-c", "listen_addresses=127.0.0.1"))
                .redirectErrorStream(true).start();
        ProcessOutput output = ProcessOutput.follow(process, "postgres");
        PostgresServer server = new PostgresServer(process, output, directory, port);
        try {
            output.await(Pattern.compile("ready to accept connections"), Duration.ofSeconds(60));
        } catch (AssertionError | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} holding initdb and postgres. */
    private static Optional<Path> binaries() throws Exception {
        if (!Files.isDirectory(DEBIAN_BINARIES)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_BINARIES)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparing(bin -> versionOf(bin.getParent())));
        }
    }

    private static int versionOf(Path directory) {
        try {
            return Integer.parseInt(directory.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** setpriv executes the program itself, so signals to the process reach postgres. */
    private static List<String> asUser(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
    }

    /** SIGTERM, a smart shutdown once clients have gone; then the directory is removed. */
    @Override
    public void close() throws Exception {
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Override
    public String toString() {
        return output.toString();
    }
}
