package dev.callsight.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * One benchmark run against an {@link Upstream}: with each client in turn, over keep-alive connections, a warm-up,
 * then a measured single-threaded loop (latency, CPU and allocation per call), then a fixed time of calls from
 * several threads at once (throughput at saturation), for each of several thread counts. The same program runs
 * without an agent, with callsight's and with the OpenTelemetry Java agent, so the runs can be compared.
 *
 * <p>Usage: {@code CallLoop <upstream-url> <warmup-calls> <measured-calls> <threads,...> <saturation-seconds>
 * [clients,...]}. Prints one line per client, {@code client calls mean_us p50_us p99_us cpu_us_per_call
 * bytes_per_call saturated_calls_per_s caller_cpu_us_per_call jit_ms} (saturation at the last thread count; CPU of
 * the whole process, then of the calling thread alone; the JIT's compile time during the measured loop, near zero
 * once compilation has settled), a line {@code scaling client threads calls_per_s} per thread count, then
 * {@code heap used_bytes}: the heap in use after a full collection at the end.
 */
public final class CallLoop {

    /**
     * With {@code -Dcallloop.timeouts=true} each client sets these itself, the values of
     * bench/policy-every-feature.yaml: the baseline for what a policy's timeouts cost beyond the clients' own.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** One call, its response read to the end. */
    private interface Client {
        void call(URI uri) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        int[] threads = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[4]);
        List<String> only = args.length > 5 ? List.of(args[5].split(",")) : List.of();
        boolean timeouts = Boolean.getBoolean("callloop.timeouts");
        HttpClient.Builder jdkBuilder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        OkHttpClient.Builder okHttpBuilder = new OkHttpClient.Builder();
        PoolingHttpClientConnectionManagerBuilder apachePool =
                PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(64).setMaxConnPerRoute(64);
        HttpClientBuilder apacheBuilder = HttpClients.custom();
        if (timeouts) {
            jdkBuilder.connectTimeout(CONNECT_TIMEOUT);
            okHttpBuilder.connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).callTimeout(DEADLINE);
            apachePool.setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT)).setSocketTimeout(Timeout.of(READ_TIMEOUT)).build());
            apacheBuilder.setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(READ_TIMEOUT))
                    .build());
        }
        HttpClient jdk = jdkBuilder.build();
        OkHttpClient okHttp = okHttpBuilder.build();
        CloseableHttpClient apache = apacheBuilder.setConnectionManager(apachePool.build()).build();
        Map<String, Client> clients = new LinkedHashMap<>();
        clients.put("jdk-httpclient", uri -> jdk.send(
                timeouts ? HttpRequest.newBuilder(uri).timeout(DEADLINE).build() : HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        clients.put("httpurlconnection", timeouts
                ? uri -> UrlConnections.get(uri, (int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis())
                : UrlConnections::get);
        clients.put("apache-httpclient5", uri -> apache.execute(new HttpGet(uri), response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        }));
        clients.put("okhttp", uri -> {
            try (Response response = okHttp.newCall(new Request.Builder().url(uri.toURL()).build()).execute()) {
                response.body().bytes();
            }
        });
        for (Map.Entry<String, Client> client : clients.entrySet()) {
            if (!only.isEmpty() && !only.contains(client.getKey())) {
                continue;
            }
            measure(client.getKey(), client.getValue(), base, warmup, measured, threads, seconds);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        System.out.println("heap " + memory.getHeapMemoryUsage().getUsed());
        apache.close();
        System.exit(0);
    }

    private static void measure(String name, Client client, URI base, int warmup, int measured, int[] threads,
            int seconds) throws Exception {
        for (int i = 0; i < warmup; i++) {
            client.call(base.resolve("/items/" + i));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean caller = ManagementFactory.getThreadMXBean();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long[] nanos = new long[measured];
        long jitBefore = jit.getTotalCompilationTime();
        long callerBefore = caller.getCurrentThreadCpuTime();
        long cpuBefore = os.getProcessCpuTime();
        Map<Long, Long> allocatedBefore = allocatedBytes();
        for (int i = 0; i < measured; i++) {
            long t0 = System.nanoTime();
            client.call(base.resolve("/items/" + i));
            nanos[i] = System.nanoTime() - t0;
        }
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long allocated = allocatedSince(allocatedBefore);
        long callerCpu = caller.getCurrentThreadCpuTime() - callerBefore;
        long jitMillis = jit.getTotalCompilationTime() - jitBefore;
        Arrays.sort(nanos);
        double[] saturated = new double[threads.length];
        for (int i = 0; i < threads.length; i++) {
            saturated[i] = saturate(client, base, threads[i], seconds);
        }
        System.out.printf("%s %d %.1f %.1f %.1f %.1f %d %.0f %.1f %d%n", name, measured,
                Arrays.stream(nanos).average().orElse(0) / 1e3, nanos[measured / 2] / 1e3,
                nanos[(int) (measured * 0.99)] / 1e3, cpu / 1e3 / measured, allocated / measured,
                saturated[threads.length - 1], callerCpu / 1e3 / measured, jitMillis);
        for (int i = 0; i < threads.length; i++) {
            System.out.printf("scaling %s %d %.0f%n", name, threads[i], saturated[i]);
        }
    }

    /**
     * Calls per second from {@code threads} threads calling as fast as they can for {@code seconds}. Each thread
     * counts its own calls: a shared counter would be the loop's own point of contention.
     */
    private static double saturate(Client client, URI base, int threads, int seconds) throws Exception {
        long[] calls = new long[threads];
        CountDownLatch done = new CountDownLatch(threads);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread thread = new Thread(() -> {
                long made = 0;
                try {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        client.call(base.resolve("/load/" + i));
                        made++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    calls[slot] = made;
                    done.countDown();
                }
            }, "load-" + t);
            thread.start();
        }
        done.await();
        return Arrays.stream(calls).sum() / ((System.nanoTime() - start) / 1e9);
    }

    /** Bytes allocated so far by each live thread, the agent's own threads included, by thread id. */
    private static Map<Long, Long> allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] > 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    /**
     * Bytes allocated since {@code before} by the threads alive now: a thread that ended in between takes its count
     * with it, which summing all threads at both ends would subtract (a pool thread retiring made the figure negative).
     */
    private static long allocatedSince(Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> now : allocatedBytes().entrySet()) {
            sum += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        return sum;
    }
}
