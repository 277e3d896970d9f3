package dev.callsight.collector.ingest;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;

/**
 * Admits OTLP export requests to the handler behind it only while fewer than a bound of requests and request
 * bytes are in progress (being read, decoded, or waiting for or holding the store's writer), so a burst costs
 * bounded memory instead of an unbounded queue. A request beyond either bound is answered 429 with
 * {@code Retry-After} on the IO thread at once, before its body is read; OTLP exporters retry it.
 *
 * <p>A request is counted by its {@code Content-Length}, or by the body-size limit when it is gzip-compressed
 * (it may inflate to that) or has no length. A lone request is always admitted, whatever its size, so a bound
 * below the body-size limit cannot lock out large requests.
 */
public final class IngestAdmission implements HttpHandler {

    static final String RETRY_AFTER_SECONDS = "1";

    private final HttpHandler next;
    private final IngestObserver observer;
    private final int maxRequests;
    private final long maxBytes;
    private final long maxBodyBytes;
    private int requests;
    private long bytes;

    public IngestAdmission(HttpHandler next, IngestObserver observer, IngestLimits limits, long maxBodyBytes) {
        this.next = next;
        this.observer = observer;
        this.maxRequests = limits.maxPendingRequests();
        this.maxBytes = limits.maxPendingBytes();
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Signal signal = Signal.forPath(exchange.getRequestPath()).orElse(null);
        if (signal == null || !exchange.getRequestMethod().equals(Methods.POST)) {
            // Answered at once without reading a body: nothing to bound.
            next.handleRequest(exchange);
            return;
        }
        long charge = charge(exchange);
        if (!tryAdmit(charge)) {
            observer.rejected(signal, RejectReason.OVERLOADED);
            if (exchange.getRequestContentLength() < 0 || exchange.getRequestContentLength() > maxBodyBytes) {
                // Not worth reading just to keep the connection; a body of known, allowed size is drained.
                exchange.setPersistent(false);
            }
            exchange.setStatusCode(429);
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("collector overloaded: " + maxRequests + " requests or " + maxBytes
                    + " bytes already in progress; retry after " + RETRY_AFTER_SECONDS + " s\n", StandardCharsets.UTF_8);
            return;
        }
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            release(charge);
            nextListener.proceed();
        });
        next.handleRequest(exchange);
    }

    private long charge(HttpServerExchange exchange) {
        long declared = exchange.getRequestContentLength();
        String encoding = exchange.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING);
        boolean compressed = encoding != null && !encoding.strip().equalsIgnoreCase("identity");
        return declared < 0 || compressed ? maxBodyBytes : Math.min(declared, maxBodyBytes);
    }

    private synchronized boolean tryAdmit(long charge) {
        if (requests > 0 && (requests >= maxRequests || bytes + charge > maxBytes)) {
            return false;
        }
        requests++;
        bytes += charge;
        return true;
    }

    private synchronized void release(long charge) {
        requests--;
        bytes -= charge;
    }

    /** Requests admitted and not yet answered. */
    public synchronized int pendingRequests() {
        return requests;
    }

    /** What the admitted requests not yet answered are counted as, in bytes. */
    public synchronized long pendingBytes() {
        return bytes;
    }
}
