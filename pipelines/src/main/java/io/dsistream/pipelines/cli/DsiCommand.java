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
        subcommands = {DemoCommand.class, EvalCommand.class, TrainCommand.class, BenchCommand.class, ClusterCommand.class,
            CommandLine.HelpCommand.class})
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
        return new CommandLine(new DsiCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(DsiCommand::reportFailure);
    }

    /** A failed command prints one line naming what went wrong; the stack trace only with DSI_DEBUG set. */
    private static int reportFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        commandLine.getErr().println("dsi " + commandLine.getCommandName() + ": error: " + message);
        if (System.getenv("DSI_DEBUG") != null) {
            failure.printStackTrace(commandLine.getErr());
        } else {
            commandLine.getErr().println("(set DSI_DEBUG=1 for the stack trace)");
        }
        return 2;
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
