package io.dsistream.pipelines.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dsi cluster}: a standalone Flink session cluster and a Kafka broker on this machine, each its own JVM, and
 * the job submitted to it over Flink's REST API as to any remote cluster.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "A standalone Flink 2.2 session cluster (JobManager and TaskManager JVMs from the Maven classpath) and a",
            "KRaft Kafka broker on this machine; jobs go in through the REST API. Typical session:",
            "  ./dsi cluster up && ./dsi cluster submit --dataset ../shared/data/scifact",
            "  ./dsi cluster send --dataset ../shared/data/scifact --limit 500 && ./dsi cluster status",
            "  ./dsi cluster savepoint && ./dsi cluster submit --from-savepoint latest && ./dsi cluster down"
        },
        subcommands = {ClusterUpCommand.class, ClusterSubmitCommand.class, ClusterSendCommand.class,
            ClusterStatusCommand.class, ClusterSavepointCommand.class, ClusterCancelCommand.class,
            ClusterDownCommand.class})
final class ClusterCommand implements Runnable {

    /** Where {@code up} keeps the cluster's files unless told otherwise. */
    static final String DEFAULT_WORK_DIR = ".dsi/cluster";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
