package dev.callsight.collector.ingest;

import dev.callsight.collector.aggregate.InvalidTelemetryException;
import dev.callsight.collector.store.StoreDataException;
import dev.callsight.collector.store.StoreFailure;
import dev.callsight.collector.store.StoreUnavailableException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The OTLP/HTTP endpoint: {@code POST /v1/traces} and {@code POST /v1/metrics}, protobuf or JSON, optionally
 * gzip-compressed. Answers 200 with an empty export response only once the data is committed; errors are plain
 * text saying what was wrong.
 */
public final class OtlpReceiver implements HttpHandler {

    private final IngestService ingestService;
    private final IngestObserver observer;
    private final BodyReader bodyReader;
    private final OtlpDecoder decoder = new OtlpDecoder();

    public OtlpReceiver(IngestService ingestService, IngestObserver observer, long maxBodyBytes) {
        this.ingestService = ingestService;
        this.observer = observer;
        this.bodyReader = new BodyReader(maxBodyBytes);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Optional<Signal> signal = Signal.forPath(exchange.getRequestPath());
        if (signal.isEmpty()) {
            sendText(exchange, 404, "unknown path " + exchange.getRequestPath() + ": use /v1/traces or /v1/metrics");
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            observer.rejected(signal.get(), RejectReason.METHOD_NOT_ALLOWED);
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            sendText(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed: use POST");
            return;
        }
        if (exchange.isInIoThread()) {
            // Reading the body and committing to the store block: leave the IO thread.
            exchange.dispatch(this);
            return;
        }
        exchange.startBlocking();
        receive(exchange, signal.get());
    }

    private void receive(HttpServerExchange exchange, Signal signal) {
        try {
            String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
            OtlpEncoding encoding = OtlpEncoding.forContentType(contentType)
                    .orElseThrow(() -> new RequestRejectedException(415, RejectReason.UNSUPPORTED_MEDIA_TYPE,
                            "unsupported Content-Type '" + contentType
                                    + "': use application/x-protobuf or application/json"));
            byte[] body = bodyReader.read(exchange);
            if (signal == Signal.TRACES) {
                int spans = ingestService.ingest(decoder.decodeTraces(body, encoding));
                observer.accepted(signal, spans, 0);
                sendSuccess(exchange, encoding, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
            } else {
                int points = ingestService.ingest(decoder.decodeMetrics(body, encoding));
                observer.accepted(signal, 0, points);
                sendSuccess(exchange, encoding, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
            }
        } catch (RequestRejectedException e) {
            reject(exchange, signal, e.status(), e.reason(), e.getMessage());
        } catch (InvalidTelemetryException e) {
            reject(exchange, signal, 400, RejectReason.MALFORMED, "invalid OTLP data: " + e.getMessage());
        } catch (StoreDataException e) {
            // The request carries a value the schema cannot hold; retrying it would never succeed.
            reject(exchange, signal, 400, RejectReason.MALFORMED, "invalid OTLP data: " + e.getMessage());
        } catch (StoreUnavailableException e) {
            StoreFailure failure = e.failure();
            observer.failed(signal, failure.cause());
            // Retryable for OTLP exporters: the store may recover, and nothing was acknowledged.
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            sendText(exchange, 503, "store unavailable: " + failure.message());
        } catch (IOException e) {
            // The client went away mid-body; there is no one to answer.
            exchange.endExchange();
        }
    }

    private void reject(HttpServerExchange exchange, Signal signal, int status, String reason, String message) {
        observer.rejected(signal, reason);
        if (status == 413) {
            // Do not read the rest of an oversized body just to keep the connection.
            exchange.setPersistent(false);
        }
        sendText(exchange, status, message);
    }

    /** OTLP JSON of an empty export response is an empty object; protobuf's is zero bytes. */
    private static void sendSuccess(HttpServerExchange exchange, OtlpEncoding encoding, byte[] emptyProtobuf) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, encoding.mediaType());
        byte[] body = encoding == OtlpEncoding.PROTOBUF ? emptyProtobuf : "{}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void sendText(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(message + "\n", StandardCharsets.UTF_8);
    }
}
