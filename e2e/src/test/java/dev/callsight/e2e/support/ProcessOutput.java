package dev.callsight.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a process's output as it comes, so tests can wait for a line and show everything on failure. */
public final class ProcessOutput {

    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private ProcessOutput() {}

    public static ProcessOutput follow(Process process, String name) {
        ProcessOutput output = new ProcessOutput();
        Thread reader = new Thread(() -> output.readAll(process), name + "-output");
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    private void readAll(Process process) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException ended) {
            // The process is gone; what it printed is kept.
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }

    /** The first line matching the pattern, waiting for it at most the given time. */
    public synchronized Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < lines.size(); checked++) {
                Matcher matcher = pattern.matcher(lines.get(checked));
                if (matcher.find()) {
                    return matcher;
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError((ended ? "process ended" : "timed out") + " without printing " + pattern
                        + ":\n" + String.join("\n", lines));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Every line, once the process has closed its output: at most the given time after it exited. */
    public synchronized List<String> allLines(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the output did not end within " + timeout + ":\n" + String.join("\n", lines));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(lines);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }
}
