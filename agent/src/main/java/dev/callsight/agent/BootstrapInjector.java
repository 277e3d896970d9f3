package dev.callsight.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Puts the {@code dev.callsight.agent.bootstrap} package on the bootstrap class path, so that
 * advice inlined into JDK classes can reach the hooks. Only that small package goes there: the
 * rest of the agent needs modules the bootstrap loader cannot see, such as java.net.http.
 */
final class BootstrapInjector {

    private static final String BOOTSTRAP_PACKAGE = "dev/callsight/agent/bootstrap/";

    private BootstrapInjector() {}

    static void inject(File agentJar, Instrumentation instrumentation) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (JarFile jar = new JarFile(agentJar)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(BOOTSTRAP_PACKAGE) && name.endsWith(".class")) {
                    classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'),
                            jar.getInputStream(entry).readAllBytes());
                }
            }
        }
        File folder = Files.createTempDirectory("callsight-bootstrap").toFile();
        folder.deleteOnExit();
        ClassInjector.UsingInstrumentation
                .of(folder, ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
                .injectRaw(classes);
        // Registered after the folder, so deleted before it: a folder that is not empty stays.
        File[] written = folder.listFiles();
        if (written != null) {
            for (File file : written) {
                file.deleteOnExit();
            }
        }
    }
}
