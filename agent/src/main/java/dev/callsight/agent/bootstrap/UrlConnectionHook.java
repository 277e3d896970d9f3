package dev.callsight.agent.bootstrap;

import java.net.HttpURLConnection;

/** Called by advice inlined into java.net.HttpURLConnection and its subclasses. */
public interface UrlConnectionHook {

    UrlConnectionHook NONE = new UrlConnectionHook() {
        @Override
        public boolean enter(HttpURLConnection connection) {
            return false;
        }

        @Override
        public void exit(HttpURLConnection connection, boolean outermost, String method, Object returned,
                Throwable thrown) {}
    };

    /** Returns true for the outermost instrumented call on this thread, to be passed to exit. */
    boolean enter(HttpURLConnection connection);

    /**
     * @param method the instrumented method's name
     * @param returned what it returned (boxed for getResponseCode), or null when it threw or is void
     */
    void exit(HttpURLConnection connection, boolean outermost, String method, Object returned, Throwable thrown);
}
