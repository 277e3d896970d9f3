package dev.callsight.e2e.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small tmpfs the test mounts itself, to fill it up or make it read-only for real. Mounting needs root (as on
 * CI); where it is refused the test is skipped, or fails under CI.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path directory;

    private Tmpfs(Path directory) {
        this.directory = directory;
    }

    public static Tmpfs mount(Path directory, String size) throws Exception {
        Files.createDirectories(directory);
        Programs.Run run = Programs.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                directory.toString()));
        if (run.exitCode() != 0) {
            return Programs.unavailable("cannot mount a tmpfs at " + directory + " (needs root): " + run.output());
        }
        return new Tmpfs(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Fails while a file on it is open for writing (the kernel answers busy). */
    public void remountReadOnly() throws Exception {
        remount("ro");
    }

    public void remountWritable() throws Exception {
        remount("rw");
    }

    private void remount(String mode) throws Exception {
        Programs.Run run = Programs.run(List.of("mount", "-o", "remount," + mode, directory.toString()));
        if (run.exitCode() != 0) {
            throw new IllegalStateException("remount " + mode + " of " + directory + " failed: " + run.output());
        }
    }

    /** Writes zeros to a file until the file system is full; returns the file. */
    public Path fill() throws Exception {
        Path filler = directory.resolve("filler");
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1_000_000; i++) {
                out.write(chunk);
            }
        } catch (IOException full) {
            return filler;
        }
        throw new IllegalStateException("tmpfs at " + directory + " never filled up");
    }

    @Override
    public void close() throws Exception {
        Programs.Run run = Programs.run(List.of("umount", directory.toString()));
        if (run.exitCode() != 0) {
            Programs.run(List.of("umount", "-l", directory.toString()));
        }
    }
}
