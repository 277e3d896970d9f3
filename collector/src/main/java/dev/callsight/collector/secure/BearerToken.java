package dev.callsight.collector.secure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The shared secret clients present as {@code Authorization: Bearer <token>}. Candidates are compared by their
 * SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a guess was
 * right, nor about the token's length.
 */
public final class BearerToken {

    /** RFC 6750's b64token: also safe, unquoted, in a cookie value and in OTEL_EXPORTER_OTLP_HEADERS. */
    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    static final int MIN_LENGTH = 16;

    private final String value;
    private final byte[] digest;

    private BearerToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** Reads the token from the first line of a file; surrounding whitespace is ignored. */
    public static BearerToken read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read --token-file " + file + ": " + e, e);
        }
        return of(text, "--token-file " + file);
    }

    static BearerToken of(String text, String source) {
        if (text.length() < MIN_LENGTH || !SYNTAX.matcher(text).matches()) {
            throw new IllegalStateException(source + " must hold one token of at least " + MIN_LENGTH
                    + " characters from A-Z a-z 0-9 - . _ ~ + / (e.g. the output of: openssl rand -hex 32)");
        }
        return new BearerToken(text);
    }

    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    /** The token itself, for the browser's login cookie. */
    String value() {
        return value;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
