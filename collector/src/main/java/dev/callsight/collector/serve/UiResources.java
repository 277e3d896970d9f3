package dev.callsight.collector.serve;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.SetHeaderHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The web UI's files from the jar: the pages under {@code /ui/}, the uPlot chart library from its WebJar under
 * {@code /ui/lib/}. The content security policy allows scripts from this origin only, so even a value that
 * slipped into the page as markup could not run.
 */
final class UiResources {

    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private UiResources() {
    }

    /** Adds {@code /ui} to {@code paths}; {@code /} itself redirects there. */
    static PathHandler addTo(PathHandler paths) {
        ClassLoader loader = UiResources.class.getClassLoader();
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist";
        PathHandler ui = Handlers.path(resources(loader, "ui"))
                .addPrefixPath("/lib", resources(loader, uplot));
        HttpHandler secured = new SetHeaderHandler(new SetHeaderHandler(ui, "X-Content-Type-Options", "nosniff"),
                "Content-Security-Policy", CONTENT_SECURITY_POLICY);
        return paths.addPrefixPath("/ui", secured)
                .addExactPath("/", Handlers.redirect("/ui/"));
    }

    private static ResourceHandler resources(ClassLoader loader, String prefix) {
        return new ResourceHandler(new ClassPathResourceManager(loader, prefix)).setDirectoryListingEnabled(false);
    }

    /** The WebJar's version from its own Maven metadata, so upgrading it is a change to the POM only. */
    private static String uplotVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("uPlot WebJar missing from the class path: " + WEBJAR_PROPERTIES);
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
