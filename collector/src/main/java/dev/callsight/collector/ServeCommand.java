package dev.callsight.collector;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the collector until Ctrl-C or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the collector: OTLP/HTTP receiver plus the web port (/metrics, JSON API).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = CollectorConfig.DEFAULT_BIND_ADDRESS,
            description = "Address both ports listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    private String bind;

    @Option(names = "--otlp-port", paramLabel = "PORT", defaultValue = "" + CollectorConfig.DEFAULT_OTLP_PORT,
            description = "OTLP/HTTP receiver port, for /v1/traces and /v1/metrics (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int otlpPort;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + CollectorConfig.DEFAULT_HTTP_PORT,
            description = "Web port for /metrics and /api (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int httpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "callsight-data",
            description = "Directory of the embedded H2 database (default: ${DEFAULT-VALUE}). Ignored with --jdbc-url.")
    private Path dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "JDBC URL of the store instead of the H2 file in --data-dir.")
    private String jdbcUrl;

    @Option(names = "--max-body-size", paramLabel = "SIZE", defaultValue = "8MiB", converter = ByteSizeConverter.class,
            description = "Largest OTLP request body accepted, before and after gzip inflation; larger ones get "
                    + "413 (default: ${DEFAULT-VALUE}; e.g. 512KiB, 16MiB).")
    private long maxBodyBytes;

    @Override
    public Integer call() throws InterruptedException {
        CollectorConfig config = CollectorConfig.builder().bindAddress(bind).otlpPort(otlpPort).httpPort(httpPort)
                .dataDir(dataDir).jdbcUrl(jdbcUrl).maxBodyBytes(maxBodyBytes).build();
        Collector collector;
        try {
            collector = Collector.start(config);
        } catch (RuntimeException e) {
            System.err.println("callsight collector failed to start: " + e.getMessage());
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            closed.countDown();
        }, "callsight-shutdown"));
        System.out.println("callsight collector started: otlp=" + collector.otlpEndpoint() + " web="
                + collector.webEndpoint() + " store=" + collector.jdbcUrl());
        System.out.flush();
        closed.await();
        return 0;
    }
}
