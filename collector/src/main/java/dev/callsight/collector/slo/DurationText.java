package dev.callsight.collector.slo;

import java.time.Duration;

/** A duration as the SLO file and PromQL spell it: {@code 90s}, {@code 30m}, {@code 2h}, {@code 3d}. */
public final class DurationText {

    private DurationText() {
    }

    public static String of(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
