package dev.callsight.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's memory: heap in use right after a full collection it is asked for ({@code jcmd PID GC.run},
 * then {@code GC.heap_info}), so garbage does not hide a leak, and its anonymous resident memory from
 * {@code /proc/PID/status}: the heap, stacks and native allocations, without the file pages it maps (the span
 * store's Lucene files), which the kernel drops as it needs and which grew to gigabytes in a ten-minute ingest run.
 */
public final class ProcessMemory {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS_ANON = Pattern.compile("RssAnon:\\s+(\\d+) kB");

    private final long pid;
    private final Path jcmd;

    public ProcessMemory(long pid) {
        this.pid = pid;
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        this.jcmd = java.resolveSibling("jcmd");
    }

    /** Bytes of heap in use after a full GC; empty when jcmd is missing or fails. */
    public OptionalLong heapAfterGc() {
        if (!Files.isExecutable(jcmd) || run("GC.run") == null) {
            return OptionalLong.empty();
        }
        String info = run("GC.heap_info");
        if (info == null) {
            return OptionalLong.empty();
        }
        Matcher matcher = HEAP_USED.matcher(info);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1)) * 1024) : OptionalLong.empty();
    }

    /** Anonymous resident memory in bytes; empty where /proc is not there. */
    public OptionalLong rss() {
        try {
            Matcher matcher = RSS_ANON.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException notLinux) {
            return OptionalLong.empty();
        }
    }

    private String run(String command) {
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
