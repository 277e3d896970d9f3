package dev.callsight.collector;

import dev.callsight.collector.demo.DemoCommand;
import dev.callsight.collector.demo.DemoServiceCommand;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar callsight-collector.jar <command>}. */
@Command(name = "callsight-collector", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Receives OTLP traces and metrics from callsight agents (or any OpenTelemetry SDK), stores "
                + "them in H2 and serves metrics, SLOs and a JSON API.",
        subcommands = CommandLine.HelpCommand.class)
public final class Main implements Runnable {

    /** Undertow, XNIO and HikariCP announce themselves at INFO on every start; the startup line says what matters. */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"),
            Logger.getLogger("com.zaxxer.hikari"));

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
        System.exit(commandLine().execute(args));
    }

    /** The command tree; a new subcommand is one more {@code addSubcommand} line. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .addSubcommand("serve", new ServeCommand())
                .addSubcommand("demo", new DemoCommand())
                .addSubcommand("demo-service", new DemoServiceCommand())
                .addSubcommand("rules", new RulesCommand())
                .addSubcommand("export", new ExportCommand());
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: try 'serve', 'demo' or 'rules'");
    }

    /** The jar's Implementation-Version, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"callsight-collector " + (version == null ? "dev" : version)};
        }
    }
}
