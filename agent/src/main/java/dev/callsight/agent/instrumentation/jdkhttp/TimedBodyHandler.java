package dev.callsight.agent.instrumentation.jdkhttp;

import dev.callsight.agent.core.client.AgentTimer;
import dev.callsight.agent.core.client.Alarm;
import dev.callsight.agent.core.client.TimeoutKind;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The JDK client's request timeout ends when the response headers arrive; the body has no limit
 * of its own. This handler gives it one: the read timeout between two chunks of the body, and
 * whatever is left of the deadline. When either runs out, the body stops with the
 * HttpTimeoutException that the client throws for its own timeouts.
 */
final class TimedBodyHandler<T> implements HttpResponse.BodyHandler<T> {

    private final HttpResponse.BodyHandler<T> delegate;
    private final AgentTimer timer;
    private final long readTimeoutMillis;
    private final LongSupplier remainingDeadlineMillis;
    private final Consumer<TimeoutKind> onTimeout;

    /**
     * @param readTimeoutMillis 0 for none
     * @param remainingDeadlineMillis Long.MAX_VALUE for none
     * @param onTimeout told which limit ended the body, before the application sees the exception
     */
    TimedBodyHandler(HttpResponse.BodyHandler<T> delegate, AgentTimer timer, long readTimeoutMillis,
            LongSupplier remainingDeadlineMillis, Consumer<TimeoutKind> onTimeout) {
        this.delegate = delegate;
        this.timer = timer;
        this.readTimeoutMillis = readTimeoutMillis;
        this.remainingDeadlineMillis = remainingDeadlineMillis;
        this.onTimeout = onTimeout;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo responseInfo) {
        return new TimedSubscriber(delegate.apply(responseInfo), System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(Math.min(remainingDeadlineMillis.getAsLong(), Long.MAX_VALUE / 2_000_000)));
    }

    private final class TimedSubscriber implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> subscriber;
        private final long deadlineNanos;
        private final CompletableFuture<T> body = new CompletableFuture<>();
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private volatile Alarm alarm;

        TimedSubscriber(HttpResponse.BodySubscriber<T> subscriber, long deadlineNanos) {
            this.subscriber = subscriber;
            this.deadlineNanos = deadlineNanos;
            subscriber.getBody().whenComplete((value, error) -> {
                if (error != null) {
                    body.completeExceptionally(error);
                } else {
                    body.complete(value);
                }
            });
        }

        @Override
        public CompletionStage<T> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            arm();
            subscriber.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            arm();
            subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            if (finished.compareAndSet(false, true)) {
                disarm();
                subscriber.onError(throwable);
            }
        }

        @Override
        public void onComplete() {
            if (finished.compareAndSet(false, true)) {
                disarm();
                subscriber.onComplete();
            }
        }

        /** The alarm rings at the deadline or when the read timeout passes with no chunk, whichever is first. */
        private void arm() {
            long untilDeadline = deadlineNanos - System.nanoTime();
            long read = TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
            long wait = readTimeoutMillis <= 0 ? untilDeadline : Math.min(untilDeadline, read);
            Alarm armed = alarm;
            if (armed == null) {
                alarm = timer.alarm(wait, this::expire);
            } else {
                armed.moveTo(wait);
            }
        }

        private void disarm() {
            Alarm armed = alarm;
            if (armed != null) {
                armed.cancel();
            }
        }

        private void expire() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            TimeoutKind kind = System.nanoTime() - deadlineNanos >= 0 ? TimeoutKind.DEADLINE : TimeoutKind.READ;
            onTimeout.accept(kind);
            HttpTimeoutException timedOut = new HttpTimeoutException(kind == TimeoutKind.READ
                    ? "read timed out: no response body bytes for " + readTimeoutMillis + " ms"
                    : "deadline exceeded while reading the response body");
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
            subscriber.onError(timedOut);
            body.completeExceptionally(timedOut);
        }
    }
}
