package dev.callsight.agent.core.glue;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines one module's glue for one copy of its library. Its parent is the class loader that defines the library,
 * so the glue links to that copy; the agent's own classes (core, bootstrap hooks, shaded OpenTelemetry) come from
 * the agent's loader, so every copy of the glue reports to the same core. Nothing is added to the application's
 * class loaders, and the glue goes when the library's loader goes.
 */
final class GlueClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final String AGENT_PACKAGES = "dev.callsight.";

    private final ClassLoader agent;
    private final String gluePackage;

    /**
     * @param library the loader that defines the library, null for the bootstrap loader
     * @param gluePackage the module's package with a trailing dot, e.g. "dev.callsight.agent.instrumentation.okhttp."
     */
    GlueClassLoader(ClassLoader library, ClassLoader agent, String gluePackage) {
        super(library);
        this.agent = agent;
        this.gluePackage = gluePackage;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(AGENT_PACKAGES)) {
            return super.loadClass(name, resolve);
        }
        if (!name.startsWith(gluePackage) || name.indexOf('.', gluePackage.length()) >= 0) {
            return agent.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> glue = findLoadedClass(name);
            if (glue == null) {
                glue = define(name);
            }
            if (resolve) {
                resolveClass(glue);
            }
            return glue;
        }
    }

    private Class<?> define(String name) throws ClassNotFoundException {
        try (InputStream in = agent.getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, GlueClassLoader.class.getProtectionDomain());
        } catch (IOException unreadable) {
            throw new ClassNotFoundException(name, unreadable);
        }
    }

    @Override
    public String toString() {
        return "callsight glue " + gluePackage + " for " + getParent();
    }
}
