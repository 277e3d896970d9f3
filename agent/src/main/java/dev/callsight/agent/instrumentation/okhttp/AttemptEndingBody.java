package dev.callsight.agent.instrumentation.okhttp;

import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * A response body that ends its attempt when it has been read to the end, fails or is closed,
 * so that a read timeout or a reset while the body streams in is recorded on the attempt that
 * suffered it, and the duration covers the whole response.
 */
final class AttemptEndingBody extends ResponseBody {

    private final ResponseBody delegate;
    private final BufferedSource source;

    /** @param end called once or more with the error that ended the body, or null; the first call counts */
    AttemptEndingBody(ResponseBody delegate, Consumer<IOException> end) {
        this.delegate = delegate;
        this.source = Okio.buffer(new ForwardingSource(delegate.source()) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                try {
                    long read = super.read(sink, byteCount);
                    if (read == -1) {
                        end.accept(null);
                    }
                    return read;
                } catch (IOException e) {
                    end.accept(e);
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                end.accept(null);
                super.close();
            }
        });
    }

    @Override
    public MediaType contentType() {
        return delegate.contentType();
    }

    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public BufferedSource source() {
        return source;
    }
}
