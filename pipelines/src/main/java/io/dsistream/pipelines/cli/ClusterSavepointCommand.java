package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code dsi cluster savepoint}: stops a job with a savepoint ({@code POST /jobs/:id/stop}). */
@Command(name = "savepoint", mixinStandardHelpOptions = true,
        description = "Stops a job with a savepoint and prints its location; `submit --from-savepoint` resumes it.")
final class ClusterSavepointCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "JOB_ID", description = "Default: the only running job.")
    String jobId;

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--rest-url", paramLabel = "URL", description = "Another Flink cluster's REST endpoint.")
    String restUrl;

    @Option(names = "--target-directory", paramLabel = "DIR",
            description = "Default: the cluster's execution.checkpointing.savepoint-dir.")
    String targetDirectory;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = restUrl != null ? new FlinkRestClient(restUrl) : StandaloneCluster.attach(workDir).rest();
        String job = ClusterJobArgument.resolve(rest, jobId);
        long t0 = System.nanoTime();
        String location = rest.stopWithSavepoint(job, targetDirectory, Duration.ofMinutes(5));
        System.err.printf("job %s stopped with a savepoint in %.1f s%n", job, (System.nanoTime() - t0) / 1e9);
        System.out.println(location);
        return 0;
    }
}
