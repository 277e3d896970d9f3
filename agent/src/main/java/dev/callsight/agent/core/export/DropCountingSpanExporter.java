package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Passes spans on, frees their place in the {@link SpanBacklog} and counts the ones whose export
 * failed, including an export the exporter's bounded executor refused outright; after a
 * throttled export the next one waits ({@link ThrottlePause}).
 */
final class DropCountingSpanExporter implements SpanExporter {

    private final SpanExporter delegate;
    private final SpanBacklog backlog;
    private final ExportDrops drops;
    private final ThrottlePause pause = new ThrottlePause();

    DropCountingSpanExporter(SpanExporter delegate, SpanBacklog backlog, ExportDrops drops) {
        this.delegate = delegate;
        this.backlog = backlog;
        this.drops = drops;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int count = spans.size();
        backlog.left(count);
        CompletableResultCode result;
        pause.awaitTurn();
        try {
            result = delegate.export(spans);
        } catch (RuntimeException refused) {
            // The exporter reports its own failures in the result; this guards the application's threads anyway.
            drops.spansExportFailed(count, refused);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            pause.record(result);
            if (!result.isSuccess()) {
                drops.spansExportFailed(count, result.getFailureThrowable());
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
