package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Spans as bytes: each field in record order, strings as a varint length and UTF-8 (length 0 for null, else length
 * plus one), nullable integers likewise, numbers as varints. A log record is a varint count of spans, then each span
 * as a varint length and its bytes; the same span bytes are what the index stores, so a trace is rebuilt from the
 * index alone.
 */
final class SpanCodec {

    private SpanCodec() {
    }

    static byte[] encode(SpanRecord span) {
        Writer out = new Writer(256 + span.attributesJson().length() + span.resourceAttributesJson().length());
        out.string(span.traceId());
        out.string(span.spanId());
        out.string(span.parentSpanId());
        out.string(span.serviceName());
        out.string(span.scopeName());
        out.string(span.name());
        out.varint(span.kind());
        out.varint(span.startUnixNano());
        out.varint(span.endUnixNano());
        out.varint(span.statusCode());
        out.string(span.statusMessage());
        out.string(span.httpMethod());
        out.string(span.serverAddress());
        out.integer(span.serverPort());
        out.string(span.route());
        out.integer(span.httpStatusCode());
        out.string(span.errorType());
        out.integer(span.resendCount());
        out.string(span.attributesJson());
        out.string(span.resourceAttributesJson());
        out.string(span.linksJson());
        out.string(span.eventsJson());
        return out.bytes();
    }

    static SpanRecord decode(byte[] bytes, int offset, int length) {
        Reader in = new Reader(bytes, offset, offset + length);
        return new SpanRecord(in.string(), in.string(), in.string(), in.string(), in.string(), in.string(),
                (int) in.varint(), in.varint(), in.varint(), (int) in.varint(), in.string(), in.string(), in.string(),
                in.integer(), in.string(), in.integer(), in.string(), in.integer(), in.string(), in.string(),
                in.string(), in.string());
    }

    /** One log record's payload: the encoded spans of one batch (also what an index document stores of its spans). */
    static byte[] batch(List<Slice> spans) {
        Writer out = new Writer(spans.stream().mapToInt(span -> span.length() + 5).sum() + 5);
        out.varint(spans.size());
        for (Slice span : spans) {
            out.varint(span.length());
            out.raw(span.bytes(), span.offset(), span.length());
        }
        return out.bytes();
    }

    /** The encoded spans of one log record's payload, as slices of it. */
    static List<Slice> spans(byte[] batch) {
        return spans(batch, 0, batch.length);
    }

    /** The encoded spans of a payload held in {@code bytes} from {@code offset}, as slices of it. */
    static List<Slice> spans(byte[] bytes, int offset, int length) {
        Reader in = new Reader(bytes, offset, offset + length);
        int count = (int) in.varint();
        List<Slice> spans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = (int) in.varint();
            if (size < 0 || size > in.end - in.position) {
                throw new IllegalArgumentException("malformed span bytes");
            }
            spans.add(new Slice(bytes, in.position, size));
            in.position += size;
        }
        return spans;
    }

    /** Part of a byte array: one encoded span. */
    record Slice(byte[] bytes, int offset, int length) {

        /** A whole array as one span's slice. */
        static Slice of(byte[] span) {
            return new Slice(span, 0, span.length);
        }

        SpanRecord decode() {
            return SpanCodec.decode(bytes, offset, length);
        }

        /** The trace ID alone, the first field. */
        String traceId() {
            return new Reader(bytes, offset, offset + length).string();
        }

        byte[] copy() {
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }
    }

    private static final class Writer {
        private byte[] buffer;
        private int size;

        Writer(int capacity) {
            buffer = new byte[capacity];
        }

        void varint(long value) {
            // Zig-zag, so the rare negative number stays short.
            long v = (value << 1) ^ (value >> 63);
            room(10);
            while ((v & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[size++] = (byte) v;
        }

        void string(String value) {
            if (value == null) {
                varint(0);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            raw(utf8, 0, utf8.length);
        }

        void integer(Integer value) {
            if (value == null) {
                varint(0);
            } else {
                varint(1);
                varint(value);
            }
        }

        void raw(byte[] bytes, int offset, int length) {
            room(length);
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        }

        private void room(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, size);
        }
    }

    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int position;

        Reader(byte[] bytes, int offset, int end) {
            this.bytes = bytes;
            this.position = offset;
            this.end = end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (position >= end || shift > 63) {
                    throw new IllegalArgumentException("malformed span bytes");
                }
                byte b = bytes[position++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return (v >>> 1) ^ -(v & 1);
                }
            }
        }

        String string() {
            long length = varint();
            if (length == 0) {
                return null;
            }
            int size = (int) (length - 1);
            if (size < 0 || size > end - position) {
                throw new IllegalArgumentException("malformed span bytes");
            }
            String value = new String(bytes, position, size, StandardCharsets.UTF_8);
            position += size;
            return value;
        }

        Integer integer() {
            return varint() == 0 ? null : (int) varint();
        }
    }
}
