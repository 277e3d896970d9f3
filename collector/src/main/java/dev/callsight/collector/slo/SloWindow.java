package dev.callsight.collector.slo;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** The period an SLO's budget covers: the last N days, or the current calendar week or month (UTC). */
public sealed interface SloWindow {

    /** Where the window that ends at {@code now} starts. */
    Instant start(Instant now);

    /** The longest this window can be, which bounds how much history an evaluation needs. */
    Duration maxLength();

    /** As the YAML spells it and the metrics label it: {@code 30d}, {@code calendar-month}. */
    String label();

    record Rolling(Duration length) implements SloWindow {

        @Override
        public Instant start(Instant now) {
            return now.minus(length);
        }

        @Override
        public Duration maxLength() {
            return length;
        }

        @Override
        public String label() {
            return length.toDays() + "d";
        }
    }

    /** The budget resets at 00:00 UTC on Monday (week) or on the 1st (month). */
    record Calendar(ChronoUnit unit) implements SloWindow {

        public Calendar {
            if (unit != ChronoUnit.WEEKS && unit != ChronoUnit.MONTHS) {
                throw new IllegalArgumentException("calendar windows are weeks or months, not " + unit);
            }
        }

        @Override
        public Instant start(Instant now) {
            ZonedDateTime day = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
            return (unit == ChronoUnit.WEEKS
                    ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    : day.withDayOfMonth(1)).toInstant();
        }

        @Override
        public Duration maxLength() {
            return unit == ChronoUnit.WEEKS ? Duration.ofDays(7) : Duration.ofDays(31);
        }

        @Override
        public String label() {
            return unit == ChronoUnit.WEEKS ? "calendar-week" : "calendar-month";
        }
    }
}
