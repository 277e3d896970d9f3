package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Spans as bytes: each field in record order, strings as a varint length and UTF-8 (length 0 for null, else length
 * plus one), nullable integers likewise, numbers as varints. A log record is a varint count of spans, then each span
 * as a varint length and its bytes. An index document stores its group's spans the same way but for one thing: a
 * string equal to the span before's is written as code 1 (and other lengths plus two), as a call site's spans share
 * most of theirs. So a trace is rebuilt from the index alone.
 */
final class SpanCodec {

    private SpanCodec() {
    }

    static byte[] encode(SpanRecord span) {
        Writer out = new Writer(capacity(span), false);
        write(out, span, null);
        return out.bytes();
    }

    static SpanRecord decode(byte[] bytes, int offset, int length) {
        return read(new Reader(bytes, offset, offset + length, false), null);
    }

    /** The spans of an index document, each written after the one before ({@link #decodeGroup}). */
    static byte[] encodeGroup(List<SpanRecord> spans) {
        Writer out = new Writer(capacity(spans.get(0)) + 64 * spans.size(), true);
        out.varint(spans.size());
        SpanRecord previous = null;
        for (SpanRecord span : spans) {
            write(out, span, previous);
            previous = span;
        }
        return out.bytes();
    }

    static List<SpanRecord> decodeGroup(byte[] bytes, int offset, int length) {
        Reader in = new Reader(bytes, offset, offset + length, true);
        int count = (int) in.varint();
        if (count < 0 || count > length) {
            throw new IllegalArgumentException("malformed span bytes");
        }
        List<SpanRecord> spans = new ArrayList<>(count);
        SpanRecord previous = null;
        for (int i = 0; i < count; i++) {
            previous = read(in, previous);
            spans.add(previous);
        }
        return spans;
    }

    private static int capacity(SpanRecord span) {
        return 256 + span.attributesJson().length() + span.resourceAttributesJson().length();
    }

    private static void write(Writer out, SpanRecord span, SpanRecord previous) {
        out.string(span, previous, SpanRecord::traceId);
        out.string(span, previous, SpanRecord::spanId);
        out.string(span, previous, SpanRecord::parentSpanId);
        out.string(span, previous, SpanRecord::serviceName);
        out.string(span, previous, SpanRecord::scopeName);
        out.string(span, previous, SpanRecord::name);
        out.varint(span.kind());
        out.varint(span.startUnixNano());
        out.varint(span.endUnixNano());
        out.varint(span.statusCode());
        out.string(span, previous, SpanRecord::statusMessage);
        out.string(span, previous, SpanRecord::httpMethod);
        out.string(span, previous, SpanRecord::serverAddress);
        out.integer(span.serverPort());
        out.string(span, previous, SpanRecord::route);
        out.integer(span.httpStatusCode());
        out.string(span, previous, SpanRecord::errorType);
        out.integer(span.resendCount());
        out.string(span, previous, SpanRecord::attributesJson);
        out.string(span, previous, SpanRecord::resourceAttributesJson);
        out.string(span, previous, SpanRecord::linksJson);
        out.string(span, previous, SpanRecord::eventsJson);
    }

    private static SpanRecord read(Reader in, SpanRecord previous) {
        return new SpanRecord(in.string(previous, SpanRecord::traceId), in.string(previous, SpanRecord::spanId),
                in.string(previous, SpanRecord::parentSpanId), in.string(previous, SpanRecord::serviceName),
                in.string(previous, SpanRecord::scopeName), in.string(previous, SpanRecord::name), (int) in.varint(),
                in.varint(), in.varint(), (int) in.varint(), in.string(previous, SpanRecord::statusMessage),
                in.string(previous, SpanRecord::httpMethod), in.string(previous, SpanRecord::serverAddress),
                in.integer(), in.string(previous, SpanRecord::route), in.integer(),
                in.string(previous, SpanRecord::errorType), in.integer(),
                in.string(previous, SpanRecord::attributesJson), in.string(previous, SpanRecord::resourceAttributesJson),
                in.string(previous, SpanRecord::linksJson), in.string(previous, SpanRecord::eventsJson));
    }

    /** One log record's payload: the encoded spans of one batch. */
    static byte[] batch(List<Slice> spans) {
        Writer out = new Writer(spans.stream().mapToInt(span -> span.length() + 5).sum() + 5, false);
        out.varint(spans.size());
        for (Slice span : spans) {
            out.varint(span.length());
            out.raw(span.bytes(), span.offset(), span.length());
        }
        return out.bytes();
    }

    /** The encoded spans of one log record's payload, as slices of it. */
    static List<Slice> spans(byte[] batch) {
        Reader in = new Reader(batch, 0, batch.length, false);
        int count = (int) in.varint();
        List<Slice> spans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = (int) in.varint();
            if (size < 0 || size > in.end - in.position) {
                throw new IllegalArgumentException("malformed span bytes");
            }
            spans.add(new Slice(batch, in.position, size));
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
            return new Reader(bytes, offset, offset + length, false).string(null, SpanRecord::traceId);
        }

        byte[] copy() {
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }
    }

    private static final class Writer {
        /** Whether a string may be written as the span before's ({@link SpanCodec#encodeGroup}). */
        private final boolean grouped;
        private byte[] buffer;
        private int size;

        Writer(int capacity, boolean grouped) {
            this.grouped = grouped;
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

        void string(SpanRecord span, SpanRecord previous, Function<SpanRecord, String> field) {
            String value = field.apply(span);
            if (value == null) {
                varint(0);
                return;
            }
            if (grouped && previous != null && value.equals(field.apply(previous))) {
                varint(1);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + (grouped ? 2L : 1L));
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
        private final boolean grouped;
        private int position;

        Reader(byte[] bytes, int offset, int end, boolean grouped) {
            this.bytes = bytes;
            this.position = offset;
            this.end = end;
            this.grouped = grouped;
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

        String string(SpanRecord previous, Function<SpanRecord, String> field) {
            long code = varint();
            if (code == 0) {
                return null;
            }
            if (grouped && code == 1) {
                if (previous == null) {
                    throw new IllegalArgumentException("malformed span bytes");
                }
                return field.apply(previous);
            }
            int size = (int) (code - (grouped ? 2 : 1));
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
