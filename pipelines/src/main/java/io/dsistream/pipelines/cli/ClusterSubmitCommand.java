package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.EuroparlSample;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.pipelines.cluster.ClusterJobMain;
import io.dsistream.pipelines.cluster.ClusterJobOptions;
import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.cluster.IndexingTopicsAdmin;
import io.dsistream.pipelines.cluster.JobJar;
import io.dsistream.pipelines.cluster.StandaloneCluster;
import io.dsistream.pipelines.indexing.BundleBootstrap;
import io.dsistream.pipelines.indexing.IndexingJobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code dsi cluster submit}: makes sure the registry serves a model, writes the job jar, uploads it and runs
 * {@link ClusterJobMain} over the REST API; with {@code --rest-url}, against any Flink 2.2 cluster.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Uploads the job jar (dsi-stream's classes only; the cluster's lib/ has Flink, the Kafka "
                + "connector and DJL) and runs it over the REST API (/jars/upload, /jars/:id/run). Bootstraps "
                + "version 1 of the model when the registry has none.",
            "Example, an existing cluster: ./dsi cluster submit --rest-url http://flink:8081 --bootstrap-servers "
                + "kafka:9092 --registry /shared/registry --model scifact"})
final class ClusterSubmitCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}); ignored with --rest-url.")
    Path workDir;

    @Option(names = "--rest-url", paramLabel = "URL",
            description = "Submit to this Flink cluster instead; then --bootstrap-servers and --registry are "
                    + "required unless the cluster's config.yaml sets dsi.kafka.bootstrap-servers and "
                    + "dsi.indexing.model.registry.")
    String restUrl;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka as the TaskManagers reach it (default: the local cluster's broker).")
    String bootstrapServers;

    @Option(names = "--registry", paramLabel = "DIR",
            description = "Model registry, a path the TaskManagers see (default: the local cluster's registry/).")
    Path registry;

    @Option(names = "--model", defaultValue = "cluster", paramLabel = "NAME",
            description = "Model name in the registry (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "BEIR directory whose first documents seed version 1 when the registry has no model "
                    + "(default: the Europarl sample).")
    Path dataset;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "TOKENS",
            description = "Encoder max length of a bootstrapped model (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--from-savepoint", paramLabel = "PATH|latest",
            description = "Restore from this savepoint or retained checkpoint; 'latest': the newest under the local "
                    + "cluster's savepoints/.")
    String fromSavepoint;

    @Option(names = "--parallelism", defaultValue = "0", paramLabel = "N",
            description = "Job parallelism; 0: the cluster's parallelism.default (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--create-topics", defaultValue = "0", paramLabel = "PARTITIONS",
            description = "First create the indexing topics that do not exist yet, with this many partitions "
                    + "(replication 1); 0: leave topics alone (default: ${DEFAULT-VALUE}). The compose submitter "
                    + "uses it.")
    int createTopics;

    @Option(names = {"-D", "--option"}, paramLabel = "KEY=VALUE",
            description = "A job option passed as a program argument, e.g. -D dsi.indexing.encode.batch-size=16.")
    Map<String, String> options;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest;
        Path jar;
        Path registryDir = registry;
        String servers = bootstrapServers;
        String savepoint = fromSavepoint;
        if (restUrl == null) {
            StandaloneCluster cluster = StandaloneCluster.attach(workDir);
            rest = cluster.rest();
            jar = cluster.writeJobJar();
            registryDir = registryDir == null ? cluster.registry() : registryDir;
            servers = servers == null ? cluster.bootstrapServers() : servers;
            if ("latest".equals(savepoint)) {
                savepoint = latestSavepoint(cluster.savepointDirectory());
            }
        } else {
            rest = new FlinkRestClient(restUrl);
            Path classes = StandaloneCluster.Settings.defaults(workDir).pipelinesClasses();
            jar = JobJar.write(classes, classes.toAbsolutePath().getParent().resolve("lib"),
                    Files.createTempDirectory("dsi-job").resolve("dsi-job.jar"));
            if ("latest".equals(savepoint)) {
                throw new IllegalArgumentException("--from-savepoint latest needs the local cluster; with --rest-url "
                        + "give the savepoint's path");
            }
        }
        List<String> args = new ArrayList<>(List.of("--" + IndexingJobOptions.MODEL_NAME.key(), model));
        if (registryDir != null) {
            IndexingBundle bundle = ensureModel(registryDir.toAbsolutePath());
            System.err.printf("model %s from %s%n", bundle.modelVersion(), bundle.directory());
            args.addAll(List.of("--" + IndexingJobOptions.REGISTRY.key(), registryDir.toAbsolutePath().toString()));
        }
        if (servers != null) {
            args.addAll(List.of("--" + ClusterJobOptions.BOOTSTRAP_SERVERS.key(), servers));
        }
        if (options != null) {
            options.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        }
        if (createTopics > 0) {
            if (servers == null) {
                throw new IllegalArgumentException("--create-topics needs --bootstrap-servers");
            }
            System.err.println("topics created: " + IndexingTopicsAdmin.createMissing(servers, createTopics));
        }
        long t0 = System.nanoTime();
        String jarId = rest.uploadJar(jar);
        String jobId = rest.runJar(jarId, ClusterJobMain.class.getName(), args, parallelism, savepoint);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(3));
        System.err.printf("job %s running on %s (jar %s, %d KiB, %s) %.1f s after upload%n", jobId, rest.url(), jarId,
                Files.size(jar) / 1024, savepoint == null ? "fresh state" : "restored from " + savepoint,
                (System.nanoTime() - t0) / 1e9);
        System.out.println(jobId);
        return 0;
    }

    private IndexingBundle ensureModel(Path registryDir) throws IOException {
        List<BeirDocument> corpus = dataset == null ? EuroparlSample.englishDocuments()
                : BeirDataset.load(dataset).corpus();
        return BundleBootstrap.ensure(registryDir, model, EncoderSpec.MINILM, maxLength,
                corpus.subList(0, Math.min(256, corpus.size())), corpus.size());
    }

    /** The newest savepoint directory under {@code savepoints}. */
    static String latestSavepoint(Path savepoints) throws IOException {
        try (Stream<Path> dirs = Files.list(savepoints)) {
            return dirs.filter(d -> Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> d.resolve("_metadata").toFile().lastModified()))
                    .map(d -> d.toUri().toString())
                    .orElseThrow(() -> new IllegalStateException("no savepoint under " + savepoints
                            + "; take one with `dsi cluster savepoint`"));
        }
    }
}
