package dev.callsight.agent.instrumentation.apache5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;

/**
 * Passes a response body on to the application's consumer, ending the attempt first when the
 * body is complete: the application's future completes as its consumer sees the end, before the
 * library reports the exchange complete, and the next call must find this attempt recorded
 * (its circuit breaker outcome included).
 */
final class EndingDataConsumer implements AsyncDataConsumer {

    private final AsyncDataConsumer delegate;
    private final Runnable atEnd;

    EndingDataConsumer(AsyncDataConsumer delegate, Runnable atEnd) {
        this.delegate = delegate;
        this.atEnd = atEnd;
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        delegate.updateCapacity(capacityChannel);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        delegate.consume(src);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
        atEnd.run();
        delegate.streamEnd(trailers);
    }

    @Override
    public void releaseResources() {
        delegate.releaseResources();
    }
}
