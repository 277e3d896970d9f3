package dev.callsight.agent;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the {@code dev.callsight.agent.bootstrap} package on the bootstrap class path, so that
 * advice inlined into JDK classes can reach the hooks. Only that small package goes there: the
 * rest of the agent needs modules the bootstrap loader cannot see, such as java.net.http. Plain
 * JDK calls rather than Byte Buddy's injector, whose reflective set-up costs the application's
 * startup tens of milliseconds.
 */
final class BootstrapInjector {

    private static final String BOOTSTRAP_PACKAGE = "dev/callsight/agent/bootstrap/";

    private BootstrapInjector() {}

    static void inject(File agentJar, Instrumentation instrumentation) throws IOException {
        File bootstrapJar = File.createTempFile("callsight-bootstrap", ".jar");
        bootstrapJar.deleteOnExit();
        try (JarFile jar = new JarFile(agentJar);
                JarOutputStream out = new JarOutputStream(new FileOutputStream(bootstrapJar))) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(BOOTSTRAP_PACKAGE) && name.endsWith(".class")) {
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream in = jar.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar));
    }
}
