package dev.callsight.collector.slo;

import dev.callsight.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An SLO file that is re-read when its content changes. A change that does not parse leaves the SLOs as they were
 * and is reported (once per bad content) until the file is fixed. Not thread-safe: one evaluating thread.
 */
public final class SloFile {

    private final Path path;
    private final SloParser parser;
    private String content;
    private List<SloDefinition> slos;
    private Optional<String> problem = Optional.empty();

    private SloFile(Path path, SloParser parser, String content, List<SloDefinition> slos) {
        this.path = path;
        this.parser = parser;
        this.content = content;
        this.slos = slos;
    }

    /** Reads and validates the file now, so a collector never starts with SLOs it cannot read. */
    public static SloFile load(Path path, SloParser parser) throws ConfigException {
        String content = read(path).orElseThrow(() -> new ConfigException(path.toString(), 1, "cannot read the file"));
        return new SloFile(path, parser, content, parser.parse(content, path.toString()));
    }

    /** Reads and validates a file once, for commands that do not watch it. */
    public static List<SloDefinition> parse(Path path, SloParser parser) throws ConfigException {
        return load(path, parser).slos;
    }

    /** The SLOs as of the file's current content (or the last content that parsed). */
    public List<SloDefinition> current() {
        Optional<String> now = read(path);
        if (now.isEmpty()) {
            report("cannot read " + path + "; keeping the SLOs last read");
        } else if (!now.get().equals(content)) {
            content = now.get();
            try {
                slos = parser.parse(content, path.toString());
                problem = Optional.empty();
                System.err.println("callsight: reloaded " + slos.size() + " SLOs from " + path);
            } catch (ConfigException e) {
                report(e.getMessage() + " (keeping the SLOs last read)");
            }
        }
        return slos;
    }

    /** Why the file's current content is not in use, if it is not. */
    public Optional<String> problem() {
        return problem;
    }

    private void report(String message) {
        if (!problem.equals(Optional.of(message))) {
            System.err.println("callsight: " + message);
        }
        problem = Optional.of(message);
    }

    private static Optional<String> read(Path path) {
        try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
