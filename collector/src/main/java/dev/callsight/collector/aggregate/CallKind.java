package dev.callsight.collector.aggregate;

import java.util.Locale;

/**
 * Which side of a request a duration measures: an attempt of a service's outbound call to a peer
 * ({@code http.client.request.duration}), a request the service itself answered
 * ({@code http.server.request.duration}), which has no peer, or a whole logical outbound call as the application
 * saw it, every attempt and the waits between them, with its final outcome ({@code callsight.client.call.duration}).
 */
public enum CallKind {
    CLIENT,
    SERVER,
    CALL;

    /** As stored, in the API and in SLO files: {@code client}, {@code server} or {@code call}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a label names; {@link IllegalArgumentException} for anything else. */
    public static CallKind ofLabel(String label) {
        for (CallKind kind : values()) {
            if (kind.label().equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind must be client, server or call, not '" + label + "'");
    }
}
