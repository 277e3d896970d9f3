package dev.callsight.agent.core.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array that protobuf fields are written into in one pass. A nested message's length goes before its
 * body, so {@link #startMessage} reserves room for the length and {@link #endMessage} writes it once the body is
 * written, moving the body when the length's varint turned out shorter or longer than reserved: the output is the
 * canonical encoding, byte for byte what a two-pass writer (the SDK's, which first sizes every message) produces.
 * Not thread-safe: one writer at a time.
 */
final class ProtobufBuffer {

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private byte[] bytes;
    private int size;
    private char[] scratch = new char[256];

    ProtobufBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /**
     * Starts a length-delimited field whose length is written by {@link #endMessage}; {@code expectedLengthBytes} is
     * the varint size the length will most likely take (1 up to 127 bytes, 2 up to 16 KiB, 3 beyond), so the body
     * rarely moves.
     */
    int startMessage(int field, int expectedLengthBytes) {
        tag(field, WIRE_LENGTH_DELIMITED);
        ensure(expectedLengthBytes);
        int start = size;
        size += expectedLengthBytes;
        return (start << 2) | expectedLengthBytes;
    }

    void endMessage(int started) {
        int start = started >>> 2;
        int reserved = started & 3;
        int bodyStart = start + reserved;
        int length = size - bodyStart;
        int needed = varintSize(length);
        if (needed != reserved) {
            ensure(needed - reserved);
            System.arraycopy(bytes, bodyStart, bytes, start + needed, length);
            size += needed - reserved;
        }
        int at = start;
        int value = length;
        while ((value & ~0x7F) != 0) {
            bytes[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[at] = (byte) value;
    }

    /** A length-delimited field whose body is already encoded. */
    void encoded(int field, byte[] body) {
        tag(field, WIRE_LENGTH_DELIMITED);
        varint(body.length);
        ensure(body.length);
        System.arraycopy(body, 0, bytes, size, body.length);
        size += body.length;
    }

    /** A string field, written even when empty: callers leave out proto3 defaults where the field has no presence. */
    void string(int field, String value) {
        int started = startMessage(field, value.length() < 128 ? 1 : 2);
        utf8(value);
        endMessage(started);
    }

    /** A bytes field from lower-case hex (a trace or span id), decoded straight into the buffer. */
    void hexBytes(int field, String hex) {
        int length = hex.length() / 2;
        tag(field, WIRE_LENGTH_DELIMITED);
        varint(length);
        ensure(length);
        char[] chars = chars(hex);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) ((hexValue(chars[2 * i]) << 4) | hexValue(chars[2 * i + 1]));
        }
    }

    void uint64(int field, long value) {
        tag(field, WIRE_VARINT);
        varint(value);
    }

    void bool(int field, boolean value) {
        tag(field, WIRE_VARINT);
        ensure(1);
        bytes[size++] = (byte) (value ? 1 : 0);
    }

    void fixed64(int field, long value) {
        tag(field, WIRE_FIXED64);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[size++] = (byte) (value >>> (8 * i));
        }
    }

    void fixed32(int field, int value) {
        tag(field, WIRE_FIXED32);
        ensure(4);
        for (int i = 0; i < 4; i++) {
            bytes[size++] = (byte) (value >>> (8 * i));
        }
    }

    void double64(int field, double value) {
        fixed64(field, Double.doubleToRawLongBits(value));
    }

    private void tag(int field, int wireType) {
        varint((field << 3) | wireType);
    }

    private void varint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[size++] = (byte) value;
    }

    /** UTF-8 as {@link String#getBytes} writes it: an unpaired surrogate becomes '?'. */
    private void utf8(String value) {
        int length = value.length();
        ensure(length);
        char[] chars = chars(value);
        int i = 0;
        // ASCII, the common case, one byte a char.
        for (; i < length && chars[i] < 0x80; i++) {
            bytes[size++] = (byte) chars[i];
        }
        for (; i < length; i++) {
            char c = chars[i];
            ensure(4);
            if (c < 0x80) {
                bytes[size++] = (byte) c;
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xC0 | (c >>> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                int codePoint = Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])
                        ? Character.toCodePoint(c, chars[++i]) : -1;
                if (codePoint < 0) {
                    bytes[size++] = '?';
                } else {
                    bytes[size++] = (byte) (0xF0 | (codePoint >>> 18));
                    bytes[size++] = (byte) (0x80 | ((codePoint >>> 12) & 0x3F));
                    bytes[size++] = (byte) (0x80 | ((codePoint >>> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (codePoint & 0x3F));
                }
            } else {
                bytes[size++] = (byte) (0xE0 | (c >>> 12));
                bytes[size++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /**
     * The string's chars in a scratch array: {@link String#getChars} copies a whole (Latin-1) string with one
     * intrinsic, where {@code charAt} in a loop pays a bounds and encoding check per char.
     */
    private char[] chars(String value) {
        if (value.length() > scratch.length) {
            scratch = new char[Math.max(value.length(), scratch.length * 2)];
        }
        value.getChars(0, value.length(), scratch, 0);
        return scratch;
    }

    private static int hexValue(char c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    private static int varintSize(int value) {
        if ((value & ~0x7F) == 0) {
            return 1;
        }
        if ((value & ~0x3FFF) == 0) {
            return 2;
        }
        if ((value & ~0x1FFFFF) == 0) {
            return 3;
        }
        return (value & ~0xFFFFFFF) == 0 ? 4 : 5;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
