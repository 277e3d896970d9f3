package dev.callsight.e2e.app;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The argument and output format of the library calling applications: each argument is one call,
 * {@code client|METHOD|url[|traceparent]}; each call prints
 * {@code result|client|METHOD|url|status|milliseconds} or
 * {@code error|client|METHOD|url|exception class|milliseconds|message}. The process exits 0 when
 * every call got an HTTP response.
 */
final class CallRunner {

    /** Makes one call with one client library and returns the status it answered with. */
    interface Caller {
        int call(String client, String method, String url, String traceparent) throws Exception;
    }

    private CallRunner() {}

    static void run(String[] args, Caller caller) {
        boolean allAnswered = true;
        for (String spec : args) {
            String[] parts = spec.split("\\|");
            String prefix = parts[0] + "|" + parts[1] + "|" + parts[2];
            long start = System.nanoTime();
            try {
                int status = caller.call(parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : null);
                System.out.println("result|" + prefix + "|" + status + "|" + millisSince(start));
            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                allAnswered = false;
                System.out.println("error|" + prefix + "|" + cause.getClass().getName() + "|" + millisSince(start)
                        + "|" + cause.getMessage());
            }
        }
        System.exit(allAnswered ? 0 : 1);
    }

    /** Whether the application leaves its library's own retries on; -Dapp.libraryRetries=false turns them off. */
    static boolean libraryRetries() {
        return !"false".equals(System.getProperty("app.libraryRetries"));
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
