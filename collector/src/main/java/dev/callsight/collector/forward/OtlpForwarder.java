package dev.callsight.collector.forward;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards committed spans over OTLP/HTTP protobuf to another receiver (Jaeger, an OpenTelemetry Collector,
 * another callsight) from one background thread, so ingest never waits for it. Memory is bounded by
 * {@code capacitySpans}: spans offered while that many are held are dropped and counted. Failed sends are
 * retried with exponential backoff and full jitter, or after the receiver's {@code Retry-After} on 429 and 503.
 */
public final class OtlpForwarder implements AutoCloseable {

    /** Several small requests travel as one, up to this many spans, when the receiver is behind. */
    private static final int MAX_BATCH_SPANS = 4096;
    private static final int MAX_ATTEMPTS = 8;
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long closing waits for held spans to go out before it stops sending. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final URI tracesUrl;
    private final int capacitySpans;
    private final ForwardObserver observer;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<ExportTraceServiceRequest> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger heldSpans = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread worker;
    private boolean failing;

    /** @param endpoint a base URL ({@code /v1/traces} is appended) or the full URL ending in {@code /v1/traces} */
    public OtlpForwarder(URI endpoint, int capacitySpans, ForwardObserver observer, Clock clock) {
        if (capacitySpans < 1) {
            throw new IllegalArgumentException("forward queue must hold at least one span: " + capacitySpans);
        }
        this.tracesUrl = tracesUrl(endpoint);
        this.capacitySpans = capacitySpans;
        this.observer = observer;
        this.clock = clock;
        worker = new Thread(this::run, "callsight-forward");
        worker.setDaemon(true);
        worker.start();
    }

    static URI tracesUrl(URI endpoint) {
        String url = endpoint.toString();
        return url.endsWith("/v1/traces") ? endpoint : URI.create(url.replaceAll("/+$", "") + "/v1/traces");
    }

    /** Queues a committed request without ever blocking; drops it, counted, when the queue is full. */
    public void offer(ExportTraceServiceRequest request) {
        int spans = spanCount(request);
        if (spans == 0) {
            return;
        }
        int held = heldSpans.addAndGet(spans);
        if (held > capacitySpans || closing.getCount() == 0) {
            heldSpans.addAndGet(-spans);
            observer.held(heldSpans.get());
            observer.dropped(spans);
            return;
        }
        queue.add(request);
        observer.held(heldSpans.get());
    }

    private void run() {
        while (closing.getCount() > 0 || !queue.isEmpty()) {
            ExportTraceServiceRequest first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            ExportTraceServiceRequest.Builder batch = first.toBuilder();
            int spans = spanCount(first);
            for (ExportTraceServiceRequest next = queue.peek(); next != null
                    && spans + spanCount(next) <= MAX_BATCH_SPANS; next = queue.peek()) {
                batch.addAllResourceSpans(queue.remove().getResourceSpansList());
                spans += spanCount(next);
            }
            boolean interrupted = !deliver(batch.build().toByteArray(), spans);
            heldSpans.addAndGet(-spans);
            observer.held(heldSpans.get());
            if (interrupted) {
                return;
            }
        }
    }

    /** @return false when interrupted, so the worker stops */
    private boolean deliver(byte[] body, int spans) {
        HttpRequest request = HttpRequest.newBuilder(tracesUrl).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Duration backoff = INITIAL_BACKOFF;
        String problem = "";
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    observer.sent(spans);
                    report(false, "");
                    return true;
                }
                problem = "HTTP " + status;
                // OTLP/HTTP: only these mean "try again"; any other answer would be the same next time.
                if (status != 429 && status != 502 && status != 503 && status != 504) {
                    break;
                }
                retryAfter = retryAfter(response.headers());
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                observer.failed(spans);
                return false;
            }
            Duration wait = retryAfter.orElse(jitter(backoff));
            wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            try {
                // Returns at once when closing: held spans get their remaining tries without the waits.
                if (attempt < MAX_ATTEMPTS) {
                    closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                observer.failed(spans);
                return false;
            }
        }
        observer.failed(spans);
        report(true, problem);
        return true;
    }

    /** Says on stderr when forwarding starts failing and when it recovers, not on every failure. */
    private void report(boolean nowFailing, String problem) {
        if (nowFailing != failing) {
            failing = nowFailing;
            System.err.println(nowFailing ? "callsight: forwarding spans to " + tracesUrl + " failed (" + problem
                    + "); spans are dropped until it answers" : "callsight: forwarding to " + tracesUrl + " works again");
        }
    }

    private static Duration jitter(Duration backoff) {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() + 1));
    }

    /** Retry-After as seconds or an HTTP date. */
    private Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration until = Duration.between(clock.instant(),
                            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                    return Optional.of(until.isNegative() ? Duration.ZERO : until);
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        });
    }

    private static int spanCount(ExportTraceServiceRequest request) {
        int spans = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                spans += scopeSpans.getSpansCount();
            }
        }
        return spans;
    }

    /** Stops taking spans, gives those held {@link #CLOSE_GRACE} to go out, then stops the sender. */
    @Override
    public void close() {
        closing.countDown();
        try {
            worker.join(CLOSE_GRACE.toMillis());
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(CLOSE_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
