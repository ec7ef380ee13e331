package io.dsistream.pipelines.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dsi bench}: the benchmarks whose figures the README reports, each a subcommand. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: throughput, latency and memory on this machine.",
        subcommands = {BenchEncoderCommand.class, BenchIngestCommand.class, BenchAdaptersCommand.class,
            BenchQueryCommand.class, BenchContinualCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
