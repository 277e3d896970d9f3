package dev.callsight.collector.slo;

import java.util.List;

/** Where alert notices go after each evaluation: every firing alert again, and each one that resolved. */
@FunctionalInterface
public interface AlertSink {

    AlertSink NONE = notices -> { };

    void send(List<AlertNotice> notices);
}
