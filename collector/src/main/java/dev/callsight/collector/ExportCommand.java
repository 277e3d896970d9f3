package dev.callsight.collector;

import dev.callsight.collector.slo.OpenSloWriter;
import dev.callsight.collector.slo.SloFile;
import dev.callsight.collector.slo.SloParser;
import dev.callsight.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export --format openslo}: an SLO file as OpenSLO v1 documents, which {@code --slos} reads back. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the SLOs of a file as OpenSLO v1 documents (SLI, AlertPolicy and SLO per SLO); "
                + "serve --slos and rules --slos read them back to the same SLOs.")
final class ExportCommand implements Callable<Integer> {

    /** The formats {@code --format} takes. */
    enum Format { openslo }

    @Option(names = "--slos", paramLabel = "FILE", required = true, description = "SLO definitions (YAML).")
    private Path slosFile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "openslo",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "File to write (default: stdout).")
    private Path output;

    @Override
    public Integer call() throws IOException {
        String documents;
        try {
            documents = new OpenSloWriter().write(SloFile.parse(slosFile, new SloParser()));
        } catch (ConfigException e) {
            System.err.println("invalid SLO file " + e.getMessage());
            return 1;
        }
        CommandOutput.write(output, documents);
        return 0;
    }
}
