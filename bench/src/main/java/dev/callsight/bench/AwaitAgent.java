package dev.callsight.bench;

/**
 * Loads the JDK's HttpURLConnection implementation and exits. A class that carries calls waits for an agent still
 * starting, so the JVM lives until callsight's agent has installed and printed how long that took, as an application
 * whose first act is a call would.
 */
public final class AwaitAgent {

    public static void main(String[] args) throws ClassNotFoundException {
        Class.forName("sun.net.www.protocol.http.HttpURLConnection");
    }
}
