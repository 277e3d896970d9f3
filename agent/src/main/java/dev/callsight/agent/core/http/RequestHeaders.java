package dev.callsight.agent.core.http;

/** An inbound request's headers as a server library exposes them, read by the propagators. */
public interface RequestHeaders {

    /** The first value of a header, matched case-insensitively, or null. */
    String get(String name);

    /** Every header name; only propagators that read prefixed headers (Jaeger baggage) ask. */
    Iterable<String> names();
}
