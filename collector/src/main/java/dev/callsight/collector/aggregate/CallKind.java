package dev.callsight.collector.aggregate;

import java.util.Locale;

/**
 * Which side of a request a duration measures: a service's outbound call to a peer
 * ({@code http.client.request.duration}) or a request the service itself answered
 * ({@code http.server.request.duration}), which has no peer.
 */
public enum CallKind {
    CLIENT,
    SERVER;

    /** As stored, in the API and in SLO files: {@code client} or {@code server}. */
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
        throw new IllegalArgumentException("kind must be client or server, not '" + label + "'");
    }
}
