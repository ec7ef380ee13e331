package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code dsi cluster down}: stops every process {@code up} started; {@code --purge} also deletes the work directory. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops the TaskManager, the JobManager and the broker (by their pid files) and waits until "
                + "each is gone. Checkpoints, savepoints and the registry stay unless --purge.")
final class ClusterDownCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--purge", description = "Also delete the work directory: state, savepoints, registry, logs.")
    boolean purge;

    @Override
    public Integer call() throws Exception {
        int status = 0;
        if (Files.exists(workDir.resolve(StandaloneCluster.STATE_FILE))) {
            StandaloneCluster cluster = StandaloneCluster.attach(workDir);
            cluster.stop().forEach(System.err::println);
            if (!cluster.runningProcesses().isEmpty()) {
                System.err.println("still running: " + cluster.runningProcesses());
                status = 1;
            }
        } else {
            System.err.println("no cluster state in " + workDir + ": nothing to stop");
        }
        if (purge && status == 0 && Files.exists(workDir)) {
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            System.err.println("deleted " + workDir);
        }
        return status;
    }
}
