package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dsi cluster up}: starts Kafka, the JobManager and a TaskManager, detached; returns when the slots are up. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts the Kafka broker, the JobManager and a TaskManager as background JVMs (pid files under "
                + "the work directory) and returns once the TaskManager's slots are registered.")
final class ClusterUpCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "Configuration, logs, checkpoints, savepoints, registry and pid files (default: "
                    + "${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--slots", defaultValue = "2", paramLabel = "N",
            description = "Task slots of the TaskManager, also the default parallelism and the partitions per "
                    + "topic (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--jobmanager-memory", defaultValue = "1024m", paramLabel = "SIZE",
            description = "jobmanager.memory.process.size (default: ${DEFAULT-VALUE}).")
    String jobManagerMemory;

    @Option(names = "--taskmanager-memory", defaultValue = "3072m", paramLabel = "SIZE",
            description = "taskmanager.memory.process.size (default: ${DEFAULT-VALUE}).")
    String taskManagerMemory;

    @Override
    public Integer call() throws Exception {
        System.err.printf("dsi cluster up --work-dir %s --slots %d --jobmanager-memory %s --taskmanager-memory %s%n",
                workDir, slots, jobManagerMemory, taskManagerMemory);
        StandaloneCluster.Settings settings = StandaloneCluster.Settings.defaults(workDir)
                .withSizes(slots, jobManagerMemory, taskManagerMemory, slots);
        StandaloneCluster cluster = StandaloneCluster.start(settings, System.err);
        System.out.println(cluster.restUrl());
        return 0;
    }
}
