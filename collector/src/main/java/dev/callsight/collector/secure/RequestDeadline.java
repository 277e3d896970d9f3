package dev.callsight.collector.secure;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Gives each request's body the read timeout to arrive in full, so a client that stalls or trickles its body (a
 * slow-loris sender) frees the worker blocked reading it instead of holding it for as long as it likes: a read
 * that finds nothing to read past the deadline closes the connection and fails. The check runs on the reading
 * thread itself, so nothing closes a connection under a read in progress. The headers are bounded by Undertow's
 * request parse timeout, the same length.
 */
final class RequestDeadline implements HttpHandler {

    private final long timeoutNanos;
    private final HttpHandler next;

    RequestDeadline(Duration timeout, HttpHandler next) {
        this.timeoutNanos = timeout.toNanos();
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        exchange.addRequestWrapper((factory, wrapped) -> new DeadlineConduit(factory.create(), deadline, wrapped));
        next.handleRequest(exchange);
    }

    private static final class DeadlineConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

        private final long deadline;
        private final HttpServerExchange exchange;

        DeadlineConduit(StreamSourceConduit next, long deadline, HttpServerExchange exchange) {
            super(next);
            this.deadline = deadline;
            this.exchange = exchange;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) checked(next.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return checked(next.read(dsts, offset, length));
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return checked(next.transferTo(position, count, target));
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return checked(next.transferTo(count, throughBuffer, target));
        }

        @Override
        public void awaitReadable() throws IOException {
            awaitReadable(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        }

        @Override
        public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                next.awaitReadable(Math.min(left, timeUnit.toNanos(time)), TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Fails only a read that finds nothing to read after the deadline: a body already received in full is read
         * to its end however long the request waited for a worker, while a slow sender runs dry again and again.
         */
        private long checked(long read) throws IOException {
            if (read == 0 && System.nanoTime() - deadline > 0) {
                IoUtils.safeClose(exchange.getConnection());
                throw new ReadTimeoutException("request body not received within the read timeout");
            }
            return read;
        }
    }
}
