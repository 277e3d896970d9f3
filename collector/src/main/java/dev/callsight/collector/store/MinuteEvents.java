package dev.callsight.collector.store;

/** Retries and timeouts the agent counted in one minute for calls matching a {@link CallFilter}. */
public record MinuteEvents(long minuteUnixSeconds, long retries, long timeouts) {}
