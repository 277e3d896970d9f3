package dev.callsight.agent.core;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Matches the class loaders that can see a given class, so a module whose types are found by their super types
 * (every Servlet implementation) walks the hierarchy only of classes whose loader could have such a super type. The
 * answer per loader is kept, weakly, since a loader's visible classes do not change.
 */
public final class ClassLoaderSees extends ElementMatcher.Junction.AbstractBase<ClassLoader> {

    private final String resource;
    private final Map<ClassLoader, Boolean> known = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param className a binary class name, e.g. "jakarta.servlet.Servlet" */
    public ClassLoaderSees(String className) {
        this.resource = className.replace('.', '/') + ".class";
    }

    @Override
    public boolean matches(ClassLoader loader) {
        // The bootstrap loader never holds a servlet API; the JDK's own classes are not what such modules look for.
        if (loader == null) {
            return false;
        }
        return known.computeIfAbsent(loader, unknown -> unknown.getResource(resource) != null);
    }
}
