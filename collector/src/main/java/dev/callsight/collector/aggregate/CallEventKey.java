package dev.callsight.collector.aggregate;

import java.util.Objects;

/**
 * One kind of policy event on one call site.
 *
 * @param cause the retry or rejection reason, or the timeout kind
 * @param qualifier the retry source or the timeout mode; empty for rejections
 */
public record CallEventKey(CallSite site, CallEvent event, String cause, String qualifier) {

    public CallEventKey {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(qualifier, "qualifier");
    }
}
