package dev.callsight.collector.aggregate;

import io.opentelemetry.proto.metrics.v1.NumberDataPoint;

/** Checks shared by every data point the collector reads; a failed check rejects the whole request. */
final class OtlpPoints {

    private OtlpPoints() {
    }

    static long requireTime(long timeUnixNano, String what) {
        if (timeUnixNano == 0) {
            throw new InvalidTelemetryException(what + " point has no time_unix_nano");
        }
        return timeUnixNano;
    }

    /** A counted value: a non-negative integer, sent as an int or as a whole double. */
    static long wholeNumber(NumberDataPoint point, String what) {
        long value = switch (point.getValueCase()) {
            case AS_INT -> point.getAsInt();
            case AS_DOUBLE -> {
                double number = point.getAsDouble();
                if (!Double.isFinite(number) || number != Math.rint(number) || Math.abs(number) > 0x1p53) {
                    throw new InvalidTelemetryException(what + " point value " + number + " is not a whole number");
                }
                yield (long) number;
            }
            default -> throw new InvalidTelemetryException(what + " point has no value");
        };
        if (value < 0) {
            throw new InvalidTelemetryException(what + " point value " + value + " is negative");
        }
        return value;
    }
}
