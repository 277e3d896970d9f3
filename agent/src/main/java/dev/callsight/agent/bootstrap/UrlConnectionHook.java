package dev.callsight.agent.bootstrap;

import java.net.HttpURLConnection;

/** Called by advice inlined into java.net.HttpURLConnection and its subclasses. */
public interface UrlConnectionHook {

    UrlConnectionHook NONE = new UrlConnectionHook() {
        @Override
        public Object enter(HttpURLConnection connection) {
            return null;
        }

        @Override
        public Throwable exit(HttpURLConnection connection, Object entered, String method, Object returned,
                Throwable thrown) {
            return thrown;
        }
    };

    /**
     * Returns what to pass to exit: null for a nested call, {@link Boolean#TRUE} for the
     * outermost, or a {@link CallRejectedException} when a policy refuses the call (the method
     * is then skipped and exit throws it).
     */
    Object enter(HttpURLConnection connection);

    /**
     * @param method the instrumented method's name
     * @param returned what it returned (boxed for getResponseCode), or null when it threw or is void
     * @return what the method throws: {@code thrown}, or what the agent throws in its place
     */
    Throwable exit(HttpURLConnection connection, Object entered, String method, Object returned, Throwable thrown);
}
