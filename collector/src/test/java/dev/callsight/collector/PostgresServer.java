package dev.callsight.collector;

import dev.callsight.testing.Eventually;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, from Debian's {@code postgresql} package: a new cluster in a temporary
 * directory, on a free loopback port, removed on close. PostgreSQL refuses to run as root, so as root it runs as
 * the package's {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String USER = "callsight";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path binaries;
    private final Path dataDir;
    private final int port;
    private final Process process;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path binaries, Path dataDir, int port, Process process) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /** The directory holding initdb and postgres, if PostgreSQL is installed. */
    public static Optional<Path> binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(version -> version.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString()
                                .replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(Path::of).filter(directory -> Files.isExecutable(directory.resolve("initdb"))
                        && Files.isExecutable(directory.resolve("postgres")))
                .findFirst();
    }

    public static PostgresServer start(Path binaries) throws Exception {
        Path dataDir = Files.createTempDirectory("callsight-postgres");
        if (runningAsRoot()) {
            UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dataDir, users.lookupPrincipalByName("postgres"));
        }
        Path cluster = dataDir.resolve("cluster");
        run(List.of(binaries.resolve("initdb").toString(), "-D", cluster.toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--no-sync"), dataDir);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process process = new ProcessBuilder(asPostgresUser(List.of(binaries.resolve("postgres").toString(),
                "-D", cluster.toString(), "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=" + dataDir, "-c", "max_connections=200")))
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("postgres.log").toFile())
                .start();
        PostgresServer server = new PostgresServer(binaries, dataDir, port, process);
        try {
            server.awaitReady();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A new, empty database on this server. */
    public String newDatabaseUrl() {
        String name = "callsight_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    private void awaitReady() throws Exception {
        String[] lastFailure = {""};
        Eventually.until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited: " + log());
            }
            try (Connection connection = DriverManager.getConnection(url("postgres"))) {
                return true;
            } catch (SQLException notYet) {
                lastFailure[0] = notYet.getMessage();
                return false;
            }
        }, "PostgreSQL ready on port " + port, () -> lastFailure[0] + "\n" + log(), READY_TIMEOUT);
    }

    private String log() {
        try {
            return Files.readString(dataDir.resolve("postgres.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(List.of(binaries.resolve("pg_ctl").toString(), "-D", dataDir.resolve("cluster").toString(),
                    "-m", "immediate", "-w", "stop"), dataDir);
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void run(List<String> command, Path dataDir) throws Exception {
        Process process = new ProcessBuilder(asPostgresUser(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed in " + dataDir + ":\n" + output);
        }
    }

    private static List<String> asPostgresUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> asUser = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        asUser.addAll(command);
        return asUser;
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
