package dev.callsight.collector.store;

import java.time.LocalDate;

/** An SLO's calls on one UTC day, and its error budget remaining as last evaluated that day (null if unknown). */
public record SloDay(String slo, LocalDate day, long total, long good, Double budgetRemaining) {
}
