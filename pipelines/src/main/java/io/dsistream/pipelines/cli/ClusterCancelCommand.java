package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code dsi cluster cancel}: cancels a job; its last checkpoint is retained and can be resubmitted from. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a job and prints its last retained checkpoint (resume with submit --from-savepoint).")
final class ClusterCancelCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "JOB_ID", description = "Default: the only running job.")
    String jobId;

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--rest-url", paramLabel = "URL", description = "Another Flink cluster's REST endpoint.")
    String restUrl;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = restUrl != null ? new FlinkRestClient(restUrl) : StandaloneCluster.attach(workDir).rest();
        String job = ClusterJobArgument.resolve(rest, jobId);
        rest.cancel(job);
        rest.awaitState(job, "CANCELED", Duration.ofMinutes(2));
        String checkpoint = rest.latestCheckpoint(job);
        System.err.printf("job %s cancelled; last checkpoint %s%n", job, checkpoint == null ? "(none)" : checkpoint);
        if (checkpoint != null) {
            System.out.println(checkpoint);
        }
        return 0;
    }
}
