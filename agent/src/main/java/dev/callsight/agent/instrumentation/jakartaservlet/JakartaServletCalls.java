package dev.callsight.agent.instrumentation.jakartaservlet;

import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.instrumentation.servlet.ServletCalls;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The servlet glue on the jakarta.servlet API: the entry the module's {@code LibraryGlue} creates per API copy. */
final class JakartaServletCalls extends ServletCalls<HttpServletRequest, HttpServletResponse> {

    JakartaServletCalls(HttpServerTracer tracer) {
        super(tracer, new JakartaServletApi());
    }
}
