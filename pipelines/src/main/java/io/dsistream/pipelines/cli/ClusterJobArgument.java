package io.dsistream.pipelines.cli;

import io.dsistream.pipelines.cluster.FlinkRestClient;

import java.io.IOException;
import java.util.List;

/** The job a {@code dsi cluster} command acts on: the one given, or the only running one. */
final class ClusterJobArgument {

    private ClusterJobArgument() {
    }

    static String resolve(FlinkRestClient rest, String given) throws IOException {
        if (given != null) {
            return given;
        }
        List<FlinkRestClient.JobSummary> running = rest.jobs().stream()
                .filter(j -> "RUNNING".equals(j.state())).toList();
        if (running.size() != 1) {
            throw new IllegalArgumentException(running.size() + " jobs are running on " + rest.url()
                    + "; name one by its id (dsi cluster status lists them)");
        }
        return running.get(0).id();
    }
}
