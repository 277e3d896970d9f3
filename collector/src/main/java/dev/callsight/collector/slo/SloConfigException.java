package dev.callsight.collector.slo;

/** An SLO file that cannot be used, with where and why: {@code slos.yaml:12: target must be ...}. */
public final class SloConfigException extends Exception {

    public SloConfigException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
    }
}
