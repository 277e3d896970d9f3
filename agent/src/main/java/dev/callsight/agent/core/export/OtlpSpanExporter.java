package dev.callsight.agent.core.export;

import dev.callsight.agent.core.SdkInternals;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OTLP/HTTP protobuf span export with the agent's own request writer ({@link TraceRequestWriter}) over the sender
 * the SDK's exporter builder configured from {@code OTEL_EXPORTER_OTLP_*} (endpoint, headers, TLS, compression,
 * timeout, retries): the same request on the wire, at a fraction of the CPU. Results are what the SDK's exporter
 * reports: success on 2xx, else a failure carrying the response or the error.
 *
 * <p>A request's bytes stay with its writer until the sender is done with them, retries included; while the
 * collector hangs, the batch processor moves on after its export timeout and the next batch takes another writer.
 * Two idle writers are kept, the rest left to the collector.
 */
final class OtlpSpanExporter implements SpanExporter {

    private static final int INITIAL_REQUEST_BYTES = 64 * 1024;

    private final HttpSender sender;
    private final BlockingQueue<TraceRequestWriter> idle = new ArrayBlockingQueue<>(2);
    private final AtomicBoolean shutDown = new AtomicBoolean();

    OtlpSpanExporter(HttpSender sender) {
        this.sender = sender;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (shutDown.get()) {
            return CompletableResultCode.ofFailure();
        }
        TraceRequestWriter idleWriter = idle.poll();
        TraceRequestWriter writer = idleWriter != null ? idleWriter : new TraceRequestWriter(INITIAL_REQUEST_BYTES);
        Request request = new Request(writer.write(spans));
        CompletableResultCode result = new CompletableResultCode();
        sender.send(request, response -> {
            idle.offer(writer);
            answered(result, response);
        }, error -> {
            idle.offer(writer);
            result.failExceptionally(SdkInternals.exportFailure(error));
        });
        return result;
    }

    private static void answered(CompletableResultCode result, HttpResponse response) {
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) {
            result.succeed();
        } else {
            result.failExceptionally(SdkInternals.exportFailure(response));
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return CompletableResultCode.ofSuccess();
        }
        return sender.shutdown();
    }

    /** A written request's bytes, for the sender to copy out (once per try). */
    private static final class Request implements MessageWriter {
        private final ProtobufBuffer body;

        Request(ProtobufBuffer body) {
            this.body = body;
        }

        @Override
        public void writeMessage(OutputStream out) throws IOException {
            body.writeTo(out);
        }

        @Override
        public int getContentLength() {
            return body.size();
        }
    }
}
