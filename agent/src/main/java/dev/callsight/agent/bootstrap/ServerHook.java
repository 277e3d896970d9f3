package dev.callsight.agent.bootstrap;

/**
 * Called by advice inlined where a server hands a request to the application (a servlet's
 * service, a filter's doFilter, the JDK HTTP server's filter chain). The bootstrap loader sees
 * neither the servlet API nor the platform loader's com.sun.net.httpserver, so requests pass as
 * Object; the implementation, loaded where those types are visible, knows them.
 */
public interface ServerHook {

    ServerHook NONE = new ServerHook() {
        @Override
        public Object enter(Object request, Object response) {
            return null;
        }

        @Override
        public void exit(Object entered, Throwable thrown) {}
    };

    /**
     * On entry; returns what to pass to {@link #exit}: the request's server call when this is the
     * outermost entry of a request the agent traces, otherwise null.
     *
     * @param response the response object, or null where the request object carries it
     */
    Object enter(Object request, Object response);

    /** On exit, on the thread that entered, with what the application threw or null. */
    void exit(Object entered, Throwable thrown);
}
