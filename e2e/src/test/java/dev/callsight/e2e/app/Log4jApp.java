package dev.callsight.e2e.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * Logs through Log4j 2 before, inside and after a request (see {@link RemoteParent}), and from a
 * task the request hands to a pool. Arguments: the request's trace ID and span ID.
 */
public final class Log4jApp {

    private static final Logger LOG = LogManager.getLogger(Log4jApp.class);

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ThreadContext.put("user", "u1");
        LOG.info("outside");
        try (RemoteParent request = RemoteParent.open(args[0], args[1])) {
            LOG.info("inside");
            pool.submit(() -> LOG.info("in-task")).get();
        }
        LOG.info("after");
        pool.submit(() -> LOG.info("task-after")).get();
        pool.shutdown();
        LogManager.shutdown();
    }
}
