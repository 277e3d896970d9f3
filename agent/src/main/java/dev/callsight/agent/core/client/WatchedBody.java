package dev.callsight.agent.core.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A response body stream that tells its {@link BlockingCalls.Body} when it ends, fails or is closed. */
final class WatchedBody extends FilterInputStream {

    private final BlockingCalls.Body body;

    WatchedBody(InputStream content, BlockingCalls.Body body) {
        super(content);
        this.body = body;
    }

    @Override
    public int read() throws IOException {
        try {
            int read = super.read();
            if (read < 0) {
                body.completed();
            }
            return read;
        } catch (IOException failed) {
            throw body.failed(failed);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            int read = super.read(buffer, offset, length);
            if (read < 0) {
                body.completed();
            }
            return read;
        } catch (IOException failed) {
            throw body.failed(failed);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException failed) {
            throw body.failed(failed);
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
