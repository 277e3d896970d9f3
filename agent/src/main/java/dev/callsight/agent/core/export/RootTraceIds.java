package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * The SDK's random ids, but a thread may choose the trace id of the next root span it starts. The client tracer draws
 * a root call's trace id to decide on it without starting a span; a root it finds sampled must then start with that
 * very id, or the SDK's sampler would decide again, on another one.
 */
public final class RootTraceIds implements IdGenerator {

    private final IdGenerator random = IdGenerator.random();
    /** Cleared with set(null), never remove(): the thread keeps its map entry, so the next call allocates none. */
    private final ThreadLocal<String> chosen = new ThreadLocal<>();

    /** The next root span this thread starts gets {@code traceId}. */
    public void startNextWith(String traceId) {
        chosen.set(traceId);
    }

    @Override
    public String generateTraceId() {
        String traceId = chosen.get();
        if (traceId == null) {
            return random.generateTraceId();
        }
        chosen.set(null);
        return traceId;
    }

    @Override
    public String generateSpanId() {
        return random.generateSpanId();
    }
}
