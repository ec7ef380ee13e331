package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.DjlOffline;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dsi} command line: every user-facing action of dsi-stream is one of its subcommands. */
@Command(
        name = "dsi",
        mixinStandardHelpOptions = true,
        versionProvider = DsiCommand.Version.class,
        description = "dsi-stream: a streaming search index whose index is a model.",
        subcommands = {EvalCommand.class, TrainCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class DsiCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        DjlOffline.configure(); // before any DJL class loads: nothing is ever downloaded
        int exitCode = newCommandLine().execute(args);
        System.exit(exitCode);
    }

    /** The configured command line; tests execute it in-process. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new DsiCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DsiCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dsi-stream " + (version == null ? "(development build)" : version)};
        }
    }
}
