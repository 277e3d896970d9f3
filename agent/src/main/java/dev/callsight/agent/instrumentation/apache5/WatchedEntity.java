package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.core.client.BlockingCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * A classic response entity whose content tells the core when the application is done with it;
 * closing the response closes the entity, which counts as done too.
 */
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

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } catch (IOException failed) {
            throw body.failed(failed);
        }
        body.completed();
    }
}
