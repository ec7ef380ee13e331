package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code dsi cluster status}: processes, TaskManagers and slots, and every job with its state. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Lists the cluster's processes, TaskManagers, slots and jobs.")
final class ClusterStatusCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--rest-url", paramLabel = "URL", description = "Another Flink cluster's REST endpoint.")
    String restUrl;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest;
        if (restUrl == null) {
            StandaloneCluster cluster = StandaloneCluster.attach(workDir);
            System.out.printf("processes: %s (running: %s)%nKafka: %s%nPrometheus: http://localhost:%d (JobManager), "
                            + "http://localhost:%d (TaskManager)%n", cluster.pids(), cluster.runningProcesses().keySet(),
                    cluster.bootstrapServers(), cluster.jobManagerMetricsPort(), cluster.taskManagerMetricsPort());
            rest = cluster.rest();
        } else {
            rest = new FlinkRestClient(restUrl);
        }
        FlinkRestClient.ClusterOverview overview = rest.overview();
        System.out.printf("Flink %s at %s: %d TaskManager(s), %d/%d slots free, %d job(s) running%n",
                overview.flinkVersion(), rest.url(), overview.taskManagers(), overview.slotsAvailable(),
                overview.slotsTotal(), overview.jobsRunning());
        for (FlinkRestClient.JobSummary job : rest.jobs()) {
            System.out.printf("%s  %-10s  %s  started %s%n", job.id(), job.state(), job.name(),
                    Instant.ofEpochMilli(job.startTime()));
        }
        return 0;
    }
}
