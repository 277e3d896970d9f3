package dev.callsight.agent.instrumentation.javaxservlet;

import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.instrumentation.servlet.ServletCalls;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The servlet glue on the javax.servlet API: the entry the module's {@code LibraryGlue} creates per API copy. */
final class JavaxServletCalls extends ServletCalls<HttpServletRequest, HttpServletResponse> {

    JavaxServletCalls(HttpServerTracer tracer) {
        super(tracer, new JavaxServletApi());
    }
}
