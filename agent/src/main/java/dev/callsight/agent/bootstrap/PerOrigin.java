package dev.callsight.agent.bootstrap;

import java.util.function.Function;

/**
 * A library's hook as seen from one instrumented class. Every copy of a library (the application class path, a
 * Spring Boot jar's nested jars, each web app of a server) has glue of its own, defined where that copy is visible;
 * advice asks with its own class ({@code @Advice.Origin}), and the answer is kept with that class, so a call costs
 * one {@link ClassValue} lookup and the glue is collected with the class loader that holds the library.
 *
 * @param <H> the hook interface the advice calls
 */
public final class PerOrigin<H> extends ClassValue<H> {

    private final H none;
    private volatile Function<Class<?>, H> glue;

    PerOrigin(H none) {
        this.none = none;
    }

    /** Publishes how to find the glue for a class; called once, before any advice that asks is installed. */
    void install(Function<Class<?>, H> glue) {
        this.glue = glue;
    }

    @Override
    protected H computeValue(Class<?> origin) {
        Function<Class<?>, H> found = glue;
        if (found == null) {
            return none;
        }
        try {
            H hook = found.apply(origin);
            return hook != null ? hook : none;
        } catch (Throwable unlinkable) {
            // The glue reports why; the class keeps working as if the agent were not there.
            return none;
        }
    }
}
