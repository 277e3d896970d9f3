package dev.callsight.collector.ingest;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body on a blocking exchange, never holding more than the limit in memory: neither the body as
 * sent nor, for {@code Content-Encoding: gzip}, the inflated body (so a gzip bomb stops at the limit).
 */
final class BodyReader {

    private final long maxBytes;

    BodyReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    byte[] read(HttpServerExchange exchange) throws IOException, RequestRejectedException {
        String encoding = exchange.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING);
        boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new RequestRejectedException(415, RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported Content-Encoding '" + encoding + "': use gzip or none");
        }
        long declared = exchange.getRequestContentLength();
        if (declared > maxBytes) {
            throw tooLarge("request body of " + declared + " bytes");
        }
        byte[] body = readBounded(exchange.getInputStream(), "request body");
        if (!gzip) {
            return body;
        }
        try (InputStream inflated = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return readBounded(inflated, "decompressed request body");
        } catch (IOException e) {
            throw new RequestRejectedException(400, RejectReason.MALFORMED, "invalid gzip body: " + e.getMessage());
        }
    }

    private byte[] readBounded(InputStream in, String what) throws IOException, RequestRejectedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge(what);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private RequestRejectedException tooLarge(String what) {
        return new RequestRejectedException(413, RejectReason.TOO_LARGE,
                what + " exceeds the limit of " + maxBytes + " bytes");
    }
}
