package dev.callsight.agent.core.policy;

import java.time.Duration;

/**
 * The checks the policy builders make as each value is set, so a bad value fails where it is given; the message is
 * the reason alone ({@code must be at least 1ms}), and a file reader puts the key and line in front of it.
 */
final class Require {

    private Require() {}

    static Duration atLeastOneMilli(Duration value) {
        if (value == null || value.toMillis() < 1) {
            throw new IllegalArgumentException("must be at least 1ms");
        }
        return value;
    }

    static int atLeast(int minimum, int value) {
        if (value < minimum) {
            throw new IllegalArgumentException(minimum == 0 ? "must not be negative" : "must be at least " + minimum);
        }
        return value;
    }

    static double share(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("must be between 0% and 100%");
        }
        return value;
    }
}
