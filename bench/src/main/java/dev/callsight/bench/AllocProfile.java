package dev.callsight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes allocated per call, by the agent frame nearest to each allocation, from two async-profiler dumps of the same
 * allocation profile in collapsed form ({@code frame;frame;...;Class_[i] value}): one counting allocations, one
 * summing their bytes. The calls are the {@code LogicalCall}s allocated, one per call the agent saw.
 *
 * <p>Usage: {@code AllocProfile COUNTS BYTES}. Prints {@code calls N}, {@code bytes per call: all X, under agent
 * frames Y}, then the largest sites, {@code bytes_per_call allocated_class @ nearest_agent_frame}.
 */
public final class AllocProfile {

    private static final String CALL_MARKER = "dev.callsight.agent.core.client.LogicalCall";
    private static final int SITES = 30;
    private static final String AGENT = "dev.callsight.agent.";
    private static final String SHADED = "dev.callsight.shaded.";

    private AllocProfile() {}

    public static void main(String[] args) throws IOException {
        long calls = calls(Path.of(args[0]));
        long all = 0;
        long underAgent = 0;
        Map<String, Long> bySite = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            Sample sample = Sample.parse(line);
            if (sample == null) {
                continue;
            }
            all += sample.value();
            String frame = sample.nearestAgentFrame();
            if (frame != null) {
                underAgent += sample.value();
                bySite.merge(sample.allocated() + " @ " + frame, sample.value(), Long::sum);
            }
        }
        System.out.println("calls " + calls);
        System.out.printf("bytes per call: all %.0f, under agent frames %.0f%n", (double) all / calls,
                (double) underAgent / calls);
        bySite.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(SITES)
                .forEach(site -> System.out.printf("%8.1f  %s%n", (double) site.getValue() / calls, site.getKey()));
    }

    private static long calls(Path counts) throws IOException {
        long calls = 0;
        for (String line : Files.readAllLines(counts)) {
            Sample sample = Sample.parse(line);
            if (sample != null && sample.allocated().equals(CALL_MARKER)) {
                calls += sample.value();
            }
        }
        if (calls == 0) {
            throw new IllegalStateException("no call was counted: no " + CALL_MARKER + " was allocated");
        }
        return calls;
    }

    /** One collapsed stack: its frames, outermost first, the allocated class last. */
    private record Sample(List<String> frames, String allocated, long value) {

        static Sample parse(String line) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                return null;
            }
            List<String> frames = List.of(line.substring(0, space).split(";"));
            String last = frames.get(frames.size() - 1);
            int suffix = last.lastIndexOf("_[");
            return new Sample(frames.subList(0, frames.size() - 1), suffix < 0 ? last : last.substring(0, suffix),
                    Long.parseLong(line.substring(space + 1)));
        }

        /**
         * The innermost frame of the agent's code (the shaded SDK included), shortened; null when none is on the stack,
         * or when that frame hands on to what it wraps: an interceptor to the client's chain ({@code chain.proceed}),
         * a wrapper to the same method of the wrapped object (a watched body's {@code close} draining the client's
         * stream). What they allocate below is the client's own work, which it does without the agent too.
         */
        String nearestAgentFrame() {
            for (int i = frames.size() - 1; i >= 0; i--) {
                String frame = frames.get(i).replace('/', '.');
                String shortened = frame.startsWith(AGENT) ? frame.substring(AGENT.length())
                        : frame.startsWith(SHADED) ? frame.substring(SHADED.length()) : null;
                if (shortened != null) {
                    return i + 1 < frames.size() && handsOn(frame, frames.get(i + 1).replace('/', '.'))
                            ? null : shortened;
                }
            }
            return null;
        }

        private static boolean handsOn(String agentFrame, String next) {
            return next.endsWith("Chain.proceed") || method(next).equals(method(agentFrame));
        }

        private static String method(String frame) {
            return frame.substring(frame.lastIndexOf('.') + 1);
        }
    }
}
