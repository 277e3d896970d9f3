package dev.callsight.collector;

import dev.callsight.collector.serve.PrometheusRules;
import dev.callsight.collector.serve.WebHandler;
import dev.callsight.collector.slo.SloFile;
import dev.callsight.collector.slo.SloParser;
import dev.callsight.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rules}: Prometheus recording and alerting rules for an SLO file. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Write Prometheus recording and multiwindow multi-burn-rate alerting rules for the SLOs in a "
                + "file; they work on the series the collector serves on /metrics.")
final class RulesCommand implements Callable<Integer> {

    @Option(names = "--slos", paramLabel = "FILE", required = true, description = "SLO definitions (YAML).")
    private Path slosFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Rule file to write (default: stdout).")
    private Path output;

    @Option(names = "--collector-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9318",
            description = "The collector's web address, for the link to each SLO in alerts (default: ${DEFAULT-VALUE}).")
    private String collectorUrl;

    @Override
    public Integer call() throws IOException {
        String rules;
        try {
            rules = new PrometheusRules().render(SloFile.parse(slosFile, new SloParser()),
                    collectorUrl.replaceAll("/+$", "") + WebHandler.SLO_PATH);
        } catch (ConfigException e) {
            System.err.println("invalid SLO file " + e.getMessage());
            return 1;
        }
        CommandOutput.write(output, rules);
        return 0;
    }
}
