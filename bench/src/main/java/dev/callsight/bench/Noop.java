package dev.callsight.bench;

/** Does nothing, so that timing its JVM with and without the agent shows the startup the agent adds. */
public final class Noop {

    public static void main(String[] args) {
        // Nothing: the JVM's start and exit are what is measured.
    }
}
