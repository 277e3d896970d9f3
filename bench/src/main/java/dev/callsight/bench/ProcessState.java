package dev.callsight.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a Java process on this machine holds: open files and resident memory from {@code /proc} (Linux), heap in use
 * from {@code jcmd GC.heap_info}; each "n/a" where it cannot be read.
 */
record ProcessState(String openFiles, String residentMib, String heap) {

    static ProcessState of(long pid) {
        return new ProcessState(openFiles(pid), residentMib(pid), heap(pid));
    }

    private static String openFiles(long pid) {
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return Long.toString(files.count());
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String residentMib(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:")).findFirst()
                    .map(line -> Long.toString(Long.parseLong(line.replaceAll("\\D", "")) / 1024)).orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The heap summary line, e.g. "garbage-first heap total 262144K, used 81920K". */
    private static String heap(long pid) {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                    .start();
            String output;
            try (InputStream in = jcmd.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            jcmd.waitFor();
            return output.lines().filter(line -> line.contains(" used ")).findFirst().map(String::strip)
                    .map(line -> line.replaceAll("\\s+", " ")).orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "n/a";
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "open files %s, resident %s MiB, heap: %s", openFiles, residentMib, heap);
    }
}
