package dev.callsight.collector;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code serve}: runs the collector until Ctrl-C or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the collector: OTLP/HTTP receiver plus the web port (/metrics, JSON API).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    private CollectorOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Optional<Collector> started = options.start();
        if (started.isEmpty()) {
            return 1;
        }
        Collector collector = started.get();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            closed.countDown();
        }, "callsight-shutdown"));
        System.out.println("callsight collector started: otlp=" + collector.otlpEndpoint() + " web="
                + collector.webEndpoint() + " store=" + collector.storeDisplayUrl());
        System.out.flush();
        closed.await();
        return 0;
    }
}
