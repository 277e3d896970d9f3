package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Passes spans on and counts the ones whose export failed. */
final class DropCountingSpanExporter implements SpanExporter {

    private final SpanExporter delegate;
    private final ExportDrops drops;

    DropCountingSpanExporter(SpanExporter delegate, ExportDrops drops) {
        this.delegate = delegate;
        this.drops = drops;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = delegate.export(spans);
        int count = spans.size();
        result.whenComplete(() -> {
            if (!result.isSuccess()) {
                drops.spansDropped(count);
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
