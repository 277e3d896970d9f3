package dev.callsight.e2e.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An application that hands work to other threads in every way the JDK offers while a request
 * (a remote parent span, see {@link RemoteParent}) is current, and afterwards hands unrelated
 * work to the same pooled threads. Every piece of work makes one outbound call whose path names
 * how it got to its thread. Arguments: the upstream's base URL, the parent's trace ID and span ID.
 * Prints {@code done|path} per call, {@code remove|true|false} and {@code shutdownNow|...}.
 */
public final class ContextApp {

    private static String base;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        base = args[0];
        ExecutorService single = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduled = Executors.newScheduledThreadPool(1);
        ForkJoinPool forkJoin = new ForkJoinPool(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // Warm the pools' threads up first, so the tasks below run on threads that existed before the request.
        single.submit(() -> null).get();
        forkJoin.submit(() -> null).get();

        try (RemoteParent request = RemoteParent.open(args[1], args[2])) {
            single.submit(() -> call("/inside/submit")).get();
            single.execute(() -> call("/inside/execute"));
            pool.invokeAll(List.<Callable<Integer>>of(() -> call("/inside/invokeAll"))).get(0).get();
            scheduled.schedule(() -> call("/inside/schedule"), 10, TimeUnit.MILLISECONDS).get();
            forkJoin.submit(() -> call("/inside/forkjoin-submit")).get();
            forkJoin.invoke(new Forking("/inside/fork"));
            CompletableFuture.supplyAsync(() -> call("/inside/supplyAsync"))
                    .thenApplyAsync(status -> call("/inside/thenApplyAsync"), pool)
                    .get();
            CompletableFuture<Integer> later = new CompletableFuture<>();
            CompletableFuture<Integer> continued = later.thenApply(status -> call("/inside/thenApply"));
            Thread completing = new Thread(() -> later.complete(200));
            completing.start();
            continued.get();
            CLIENT.sendAsync(request("/inside/sendAsync"), HttpResponse.BodyHandlers.ofString())
                    .thenCompose(response -> CLIENT.sendAsync(request("/inside/sendAsync-then"),
                            HttpResponse.BodyHandlers.ofString()))
                    .thenApply(response -> call("/inside/sendAsync-thenApply"))
                    .get();
            removeAndShutdownKeepTheApplicationsTasks();
        }
        // Let the execute above finish before the unrelated work, on the same single thread.
        single.submit(() -> null).get();

        single.submit(() -> call("/after/submit")).get();
        single.execute(() -> call("/after/execute"));
        forkJoin.submit(() -> call("/after/forkjoin-submit")).get();
        CompletableFuture.supplyAsync(() -> call("/after/supplyAsync")).get();
        pool.submit(() -> call("/after/pool")).get();
        single.submit(() -> null).get();
        single.shutdown();
        scheduled.shutdown();
        forkJoin.shutdown();
        pool.shutdown();
        System.exit(0);
    }

    /** ThreadPoolExecutor.remove and shutdownNow find and hand back the very Runnable the application queued. */
    private static void removeAndShutdownKeepTheApplicationsTasks() throws InterruptedException {
        ThreadPoolExecutor blocked = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
        CountDownLatch release = new CountDownLatch(1);
        blocked.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        Runnable queued = () -> call("/never/removed");
        Runnable left = () -> call("/never/shutdown");
        blocked.execute(queued);
        blocked.execute(left);
        System.out.println("remove|" + blocked.remove(queued));
        List<Runnable> pending = blocked.shutdownNow();
        System.out.println("shutdownNow|" + (pending.size() == 1 && pending.get(0) == left));
        release.countDown();
        blocked.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Forks a subtask that makes the call. */
    private static final class Forking extends RecursiveAction {
        private final String path;
        private final boolean parent;

        Forking(String path) {
            this(path, true);
        }

        private Forking(String path, boolean parent) {
            this.path = path;
            this.parent = parent;
        }

        @Override
        protected void compute() {
            if (parent) {
                new Forking(path, false).fork().join();
            } else {
                call(path);
            }
        }
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET().build();
    }

    /** One outbound call through HttpURLConnection, on whichever thread runs it. */
    static int call(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            int status = connection.getResponseCode();
            try (InputStream body = connection.getInputStream()) {
                body.readAllBytes();
            }
            System.out.println("done|" + path + "|" + Thread.currentThread().getName());
            return status;
        } catch (IOException e) {
            System.out.println("error|" + path + "|" + e);
            return 0;
        }
    }
}
