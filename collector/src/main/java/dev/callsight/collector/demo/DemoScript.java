package dev.callsight.collector.demo;

import dev.callsight.collector.DurationConverter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * What happens to the demo's services, the same in {@code demo} and in {@code demo-service}: how many requests the
 * simulated users send, and when payments fails and for how long.
 */
public final class DemoScript {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--rate", paramLabel = "REQUESTS", defaultValue = "20",
            description = "Requests per second the simulated users send to the frontend (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--incident-at", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "When payments starts failing, after the users start (default: ${DEFAULT-VALUE}).")
    private Duration incidentAt;

    @Option(names = "--incident-for", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long payments fails (default: ${DEFAULT-VALUE}; 0 for no incident).")
    private Duration incidentFor;

    /** The users, sending to the topology's frontend until closed. */
    DemoLoad users(DemoTopology topology) {
        return new DemoLoad(topology.service("frontend").url(), rate);
    }

    /** Says on the console who calls whom, and the script. */
    void describe(DemoTopology topology, String bind) {
        System.out.println("  users      " + rate + " requests/s to frontend " + topology.service("frontend").url());
        System.out.println("  frontend   GET /products/{id} -> inventory; POST /orders -> checkout "
                + topology.service("checkout").url());
        System.out.println("  checkout   -> accounts " + topology.accountsUrl(bind) + ", inventory "
                + topology.inventoryUrl(bind) + ", payments " + topology.service("payments").url());
        if (!incidentFor.isZero()) {
            System.out.println("  incident   payments fails " + incidentAt.toSeconds() + " s from now, for "
                    + incidentFor.toSeconds() + " s");
        }
    }

    /** Has {@code script} start and end the incident, saying so on the console. */
    void scheduleIncident(ScheduledExecutorService script, DemoTopology topology) {
        if (incidentFor.isZero()) {
            return;
        }
        script.schedule(() -> {
            System.out.println(now() + "  INCIDENT: payments starts failing (mostly 503, some hangs) for "
                    + incidentFor.toSeconds() + " s; watch checkout-availability page, then resolve");
            topology.incident(true);
        }, incidentAt.toMillis(), TimeUnit.MILLISECONDS);
        script.schedule(() -> {
            System.out.println(now() + "  incident over: payments is healthy again; the page resolves once the "
                    + "burn rates drop");
            topology.incident(false);
        }, incidentAt.plus(incidentFor).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reports the users' progress on the console every 15 s. */
    void reportUsers(ScheduledExecutorService script, DemoLoad users) {
        script.scheduleAtFixedRate(() -> System.out.println(now() + "  users sent " + users.sent()
                + " requests, " + users.failed() + " failed"), 15, 15, TimeUnit.SECONDS);
    }

    /** The thread the script's steps run on; a daemon, so it never holds the JVM. */
    static ScheduledExecutorService scriptThread() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "callsight-demo-script");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A shutdown hook (Ctrl-C, or docker stop's SIGTERM) that asks the run to end and waits, at most 20 s, until it
     * has cleaned up: the JVM halts as soon as its hooks return.
     */
    static Thread stopHook(CountDownLatch stop, CountDownLatch stopped) {
        return new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }, "callsight-demo-stop");
    }

    static String now() {
        return LocalTime.now().format(CLOCK);
    }
}
