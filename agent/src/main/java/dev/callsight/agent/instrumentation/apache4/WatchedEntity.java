package dev.callsight.agent.instrumentation.apache4;

import dev.callsight.agent.core.client.BlockingCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.http.HttpEntity;
import org.apache.http.entity.HttpEntityWrapper;

/** A response entity whose content tells the core when the application is done with it. */
final class WatchedEntity extends HttpEntityWrapper {

    private final BlockingCalls.Body body;

    WatchedEntity(HttpEntity entity, BlockingCalls.Body body) {
        super(entity);
        this.body = body;
    }

    @Override
    public InputStream getContent() throws IOException {
        try {
            return body.watch(super.getContent());
        } catch (IOException failed) {
            throw body.failed(failed);
        }
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream content = getContent()) {
            content.transferTo(out);
        }
    }

    /** The response was closed, read or not: the attempt is over. */
    void closed() {
        body.completed();
    }
}
