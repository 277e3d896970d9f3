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
        public Object exit(HttpURLConnection connection, Object entered, String method, Object returned,
                Throwable thrown) throws Throwable {
            if (thrown != null) {
                throw thrown;
            }
            return returned;
        }

        @Override
        public HttpURLConnection replacement(HttpURLConnection connection) {
            return null;
        }

        @Override
        public Object delegate(HttpURLConnection replacement, String method, Object[] arguments) {
            return null;
        }

        @Override
        public void header(HttpURLConnection connection, String name, String value, boolean add) {
        }
    };

    /**
     * Called on entering connect, getOutputStream, getInputStream and getResponseCode. Returns
     * null to run the method; otherwise the method is skipped and exit is called with what this
     * returned: a {@link CallRejectedException} when a policy refuses the call, or the connection
     * that answered in place of this one after the agent retried.
     */
    Object enter(HttpURLConnection connection);

    /**
     * @param method the instrumented method's name
     * @param returned what it returned, or null when it threw, is void or was skipped
     * @return what the method returns; what it throws is thrown: {@code thrown}, or what the agent
     *     throws in its place, or the outcome of the connection that answered in place of this one
     */
    Object exit(HttpURLConnection connection, Object entered, String method, Object returned, Throwable thrown)
            throws Throwable;

    /** {@link #exit} for getResponseCode, whose int is passed as it is: no Integer per call. */
    default int exitResponseCode(HttpURLConnection connection, Object entered, int returned, Throwable thrown)
            throws Throwable {
        Object answer = exit(connection, entered, "getResponseCode", null, thrown);
        return answer instanceof Integer ? (Integer) answer : returned;
    }

    /** The connection that answered in place of this one after the agent retried, or null (almost always). */
    HttpURLConnection replacement(HttpURLConnection connection);

    /** Runs a public method of the connection that answered in place of the application's. */
    Object delegate(HttpURLConnection replacement, String method, Object[] arguments) throws Throwable;

    /** setRequestProperty ({@code add} false) or addRequestProperty was called. */
    void header(HttpURLConnection connection, String name, String value, boolean add);
}
