package dev.callsight.collector.store;

import java.util.List;

/** The calls of one minute matching a {@link CallFilter}: how many, how many failed, and per canonical bucket. */
public record MinuteCalls(long minuteUnixSeconds, long calls, long errors, List<Long> buckets) {}
