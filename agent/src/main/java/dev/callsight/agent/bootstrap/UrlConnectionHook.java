package dev.callsight.agent.bootstrap;

import java.net.HttpURLConnection;

/** Called by advice inlined into java.net.HttpURLConnection and its subclasses. */
public interface UrlConnectionHook {

    /** Stands for a status code the method did not return. */
    int UNKNOWN_STATUS = -1;

    UrlConnectionHook NONE = new UrlConnectionHook() {
        @Override
        public boolean enter(HttpURLConnection connection) {
            return false;
        }

        @Override
        public void exit(HttpURLConnection connection, boolean outermost, boolean endsRequest, int status,
                Throwable thrown) {}
    };

    /** Returns true for the outermost instrumented call on this thread, to be passed to exit. */
    boolean enter(HttpURLConnection connection);

    /**
     * @param endsRequest true for getInputStream and getResponseCode, after which the response is in
     * @param status the status code when the method returned it, else {@link #UNKNOWN_STATUS}
     */
    void exit(HttpURLConnection connection, boolean outermost, boolean endsRequest, int status, Throwable thrown);
}
