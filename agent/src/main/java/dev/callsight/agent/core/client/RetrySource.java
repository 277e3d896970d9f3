package dev.callsight.agent.core.client;

import java.util.Locale;

/** Who made an attempt of a logical call. */
public enum RetrySource {
    /** The first attempt: the application's own request. */
    FIRST,
    /** A retry the agent made because a policy asked for it. */
    AGENT,
    /** A retry or redirect made by the client library's own logic. */
    CLIENT,
    /** The application repeated a failed call itself (see {@link ApplicationRetryDetector}). */
    APPLICATION;

    /** The value of the {@code callsight.retry.source} attribute. */
    public String attributeValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
