package dev.callsight.agent.core.glue;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.SdkInternals;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * How one module links to a library the application brings, wherever the application loads it: the class path, a
 * Spring Boot jar's nested jars, a web app's WEB-INF/lib, any child class loader, several copies side by side.
 *
 * <p>A module names a class of its library (the anchor) and the glue classes the core instantiates (entries), all
 * in the module's own package. Then:
 * <ul>
 *   <li>{@link #loaders()} matches the class loaders to instrument: those that see every type, method and field
 *       the glue uses (read from the glue's class files, {@link GlueReferences}); another version of the library is
 *       skipped, with a line under {@code -Dcallsight.debug=true}.</li>
 *   <li>{@link #hooks} gives, for an instrumented class, the glue of the library copy that class sees: the copy's
 *       defining loader gets one {@link GlueClassLoader} per module, and each entry is created once in it.</li>
 * </ul>
 * The glue and its loader are kept with the library's own classes ({@link ClassValue}), so nothing here holds on
 * to an application's class loader after the application is gone.
 */
public final class LibraryGlue {

    private final String module;
    private final String anchor;
    private final String anchorResource;
    private final String gluePackage;
    private final List<String> entries;
    private final Set<String> optional;
    private final ClassLoader agent;
    /** Read on every class load by each module's matcher, so lock-free; weak, so a web app's loader can go. */
    private final SdkInternals.WeakIdentityMap<ClassLoader, Boolean> checked = SdkInternals.weakIdentityMap();
    private final ClassValue<GlueClassLoader> glueLoaders = new ClassValue<>() {
        @Override
        protected GlueClassLoader computeValue(Class<?> anchorClass) {
            return new GlueClassLoader(anchorClass.getClassLoader(), agent, gluePackage);
        }
    };
    private volatile GlueReferences references;

    private LibraryGlue(Builder builder) {
        this.module = builder.module;
        this.anchor = builder.anchor;
        this.anchorResource = anchor.replace('.', '/') + ".class";
        this.gluePackage = builder.gluePackage;
        this.entries = List.copyOf(builder.entries);
        this.optional = Set.copyOf(builder.optional);
        this.agent = builder.agent;
    }

    /**
     * @param module the module's name, for logs
     * @param moduleClass the module; its package holds the glue, and its loader is the agent's
     */
    public static Builder builder(String module, Class<?> moduleClass) {
        return new Builder(module, moduleClass);
    }

    /** Matches the class loaders whose copy of the library the glue links with. */
    public ElementMatcher<ClassLoader> loaders() {
        return new ElementMatcher.Junction.AbstractBase<>() {
            @Override
            public boolean matches(ClassLoader loader) {
                return linksIn(loader);
            }
        };
    }

    /**
     * The glue entry {@code simpleName} for the library an instrumented class sees, created with
     * {@code argument} (of {@code argumentType}, the entry's constructor parameter) once per library copy.
     */
    public <H> Function<Class<?>, H> hooks(String simpleName, Class<H> hookType, Class<?> argumentType,
            Object argument) {
        String entry = gluePackage + simpleName;
        if (!entries.contains(entry)) {
            throw new IllegalArgumentException(entry + " is not an entry of " + module);
        }
        ClassValue<H> perCopy = new ClassValue<>() {
            @Override
            protected H computeValue(Class<?> anchorClass) {
                try {
                    Constructor<?> constructor = Class.forName(entry, true, glueLoaders.get(anchorClass))
                            .getDeclaredConstructor(argumentType);
                    constructor.setAccessible(true);
                    return hookType.cast(constructor.newInstance(argument));
                } catch (ReflectiveOperationException | LinkageError | RuntimeException unlinkable) {
                    AgentLog.warn(module + " is not instrumented in " + anchorClass.getClassLoader(), unlinkable);
                    return null;
                }
            }
        };
        return origin -> {
            Class<?> anchorClass;
            try {
                anchorClass = Class.forName(anchor, false, origin.getClassLoader());
            } catch (ClassNotFoundException | LinkageError unseen) {
                return null;
            }
            return perCopy.get(anchorClass);
        };
    }

    private boolean linksIn(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        Boolean links = checked.get(loader);
        if (links == null) {
            // Most loaders do not have the library at all; only a copy that is there but does not fit is worth a line.
            String missing = loader.getResource(anchorResource) == null ? "" : firstMissing(loader);
            links = missing == null;
            if (Boolean.getBoolean("callsight.debug") && !"".equals(missing)) {
                AgentLog.info(module + (links ? " instruments its library in " + loader
                        : " skips " + loader + ", whose copy of the library has no " + missing
                                + " (a release the agent does not support)"));
            }
            checked.put(loader, links);
        }
        return links;
    }

    private String firstMissing(ClassLoader loader) {
        try {
            GlueReferences known = references;
            if (known == null) {
                known = GlueReferences.collect(agent, gluePackage.replace('.', '/'), entries, optional);
                references = known;
            }
            return known.firstMissing(loader);
        } catch (IOException | RuntimeException unreadable) {
            AgentLog.warn(module + " is not instrumented: its glue could not be read", unreadable);
            return "glue";
        }
    }

    /** What a module declares; {@link #build} checks it. */
    public static final class Builder {
        private final String module;
        private final String gluePackage;
        private final ClassLoader agent;
        private String anchor;
        private final List<String> entries = new ArrayList<>();
        private final Set<String> optional = new LinkedHashSet<>();

        private Builder(String module, Class<?> moduleClass) {
            this.module = module;
            this.gluePackage = moduleClass.getPackageName() + ".";
            this.agent = moduleClass.getClassLoader();
        }

        /** A class every supported release of the library has, e.g. "okhttp3.OkHttpClient". */
        public Builder anchor(String className) {
            this.anchor = className;
            return this;
        }

        /** A glue class the core instantiates, by its simple name, in the module's package. */
        public Builder entry(String simpleName) {
            entries.add(gluePackage + simpleName);
            return this;
        }

        /** A library type the glue uses only where present, catching the LinkageError where it is not. */
        public Builder optional(String className) {
            optional.add(className);
            return this;
        }

        public LibraryGlue build() {
            if (anchor == null || anchor.isEmpty()) {
                throw new IllegalArgumentException(module + ": no anchor class");
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException(module + ": no glue entry");
            }
            return new LibraryGlue(this);
        }
    }
}
