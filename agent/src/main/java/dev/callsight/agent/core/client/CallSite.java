package dev.callsight.agent.core.client;

import dev.callsight.agent.core.http.HttpSemantics;
import dev.callsight.agent.core.http.RouteTemplate;
import io.opentelemetry.api.common.Attributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What every attempt to one method, server and route has in common, derived once rather than per call: the span
 * name, the boxed port, the duration's attributes, and those attributes with each outcome (status code, error type)
 * the site has seen. {@link Cache} holds a bounded number of sites; routes are low-cardinality by construction, so
 * in practice every call finds its site there.
 */
final class CallSite {

    /** Outcomes kept per site; further ones get their attributes built per call. */
    private static final int MAX_OUTCOMES = 16;

    /** The attributes of one outcome of a site's attempts. */
    static final class Outcome {
        final int statusCode;
        final String errorType;
        final Long statusValue;
        final Attributes metricAttributes;

        private Outcome(int statusCode, String errorType, Attributes base) {
            this.statusCode = statusCode;
            this.errorType = errorType;
            this.statusValue = statusCode > 0 ? Long.valueOf(statusCode) : null;
            var builder = base.toBuilder();
            if (statusCode > 0) {
                builder.put(HttpSemantics.HTTP_RESPONSE_STATUS_CODE, statusValue);
            }
            if (errorType != null) {
                builder.put(HttpSemantics.ERROR_TYPE, errorType);
            }
            this.metricAttributes = builder.build();
        }
    }

    final String method;
    final String host;
    final int port;
    final String route;
    final String spanName;
    final Long portValue;
    final Attributes metricAttributes;
    private volatile Outcome[] outcomes = new Outcome[0];

    private CallSite(String method, String host, int port, String route) {
        this.method = method;
        this.host = host;
        this.port = port;
        this.route = route;
        this.spanName = method + " " + route;
        this.portValue = (long) port;
        this.metricAttributes = Attributes.of(HttpSemantics.HTTP_REQUEST_METHOD, method,
                HttpSemantics.SERVER_ADDRESS, host, HttpSemantics.SERVER_PORT, portValue,
                HttpClientTracer.URL_TEMPLATE, route);
    }

    /** The outcome's attributes; the same object every time the site ends the same way. */
    Outcome outcome(int statusCode, String errorType) {
        Outcome[] known = outcomes;
        for (Outcome outcome : known) {
            if (outcome.statusCode == statusCode && Objects.equals(outcome.errorType, errorType)) {
                return outcome;
            }
        }
        Outcome added = new Outcome(statusCode, errorType, metricAttributes);
        if (known.length < MAX_OUTCOMES) {
            synchronized (this) {
                Outcome[] current = outcomes;
                if (current.length < MAX_OUTCOMES) {
                    Outcome[] grown = Arrays.copyOf(current, current.length + 1);
                    grown[current.length] = added;
                    outcomes = grown;
                }
            }
        }
        return added;
    }

    /** Whether this is the site of a call to {@code rawPath}, whose route it templates to. */
    private boolean is(String method, String host, int port, String rawPath) {
        return this.port == port && this.method.equals(method) && this.host.equals(host)
                && RouteTemplate.matches(route, rawPath);
    }

    private static int hash(String method, String host, int port, String rawPath) {
        return ((method.hashCode() * 31 + host.hashCode()) * 31 + port) * 31 + RouteTemplate.hashOf(rawPath);
    }

    /**
     * The sites seen so far, up to a bound; beyond it a call's site is built for that call alone. A fixed table of
     * copy-on-write buckets, so a lookup allocates nothing.
     */
    static final class Cache {

        private static final int SLOTS = 256;

        private final int capacity;
        private final AtomicReferenceArray<CallSite[]> slots = new AtomicReferenceArray<>(SLOTS);
        private volatile int size;

        Cache(int capacity) {
            this.capacity = capacity;
        }

        /** The site of a call to {@code rawPath}; its route is templated only when the site is new. */
        CallSite get(String method, String host, int port, String rawPath) {
            int hash = hash(method, host, port, rawPath);
            int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
            CallSite[] bucket = slots.get(slot);
            if (bucket != null) {
                for (CallSite site : bucket) {
                    if (site.is(method, host, port, rawPath)) {
                        return site;
                    }
                }
            }
            CallSite site = new CallSite(method, host, port, RouteTemplate.of(rawPath));
            if (size < capacity) {
                synchronized (this) {
                    if (size < capacity) {
                        CallSite[] current = slots.get(slot);
                        CallSite[] grown = current == null ? new CallSite[1] : Arrays.copyOf(current, current.length + 1);
                        grown[grown.length - 1] = site;
                        slots.set(slot, grown);
                        size++;
                    }
                }
            }
            return site;
        }
    }
}
