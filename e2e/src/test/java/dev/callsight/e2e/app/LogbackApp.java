package dev.callsight.e2e.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs through SLF4J (Logback behind it) before, inside and after a request (see {@link RemoteParent}),
 * and from a task the request hands to a pool. Arguments: the request's trace ID and span ID.
 */
public final class LogbackApp {

    private static final Logger LOG = LoggerFactory.getLogger(LogbackApp.class);

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        MDC.put("user", "u1");
        LOG.info("outside");
        try (RemoteParent request = RemoteParent.open(args[0], args[1])) {
            LOG.info("inside");
            pool.submit(() -> LOG.info("in-task")).get();
            MDC.put("trace_id", "the-applications-own");
            LOG.info("own-trace-id");
            MDC.remove("trace_id");
        }
        LOG.info("after");
        pool.submit(() -> LOG.info("task-after")).get();
        pool.shutdown();
    }
}
