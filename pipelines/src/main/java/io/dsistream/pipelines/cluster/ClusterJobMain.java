package io.dsistream.pipelines.cluster;

import io.dsistream.models.encoder.DjlOffline;
import io.dsistream.operators.indexing.RegistryBundleSource;
import io.dsistream.pipelines.indexing.IndexingJob;
import io.dsistream.pipelines.indexing.IndexingJobOptions;
import io.dsistream.pipelines.indexing.IndexingSettings;
import io.dsistream.pipelines.indexing.KafkaConnectors;
import io.dsistream.pipelines.indexing.TrainerJobOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The entry class of the job jar submitted to a Flink cluster ({@code dsi cluster submit}, {@code flink run}, or
 * {@code POST /jars/:id/run}): builds the streaming job with Kafka sources and sinks, in one place
 * ({@link #build}).
 *
 * <p>Options come from the cluster's configuration ({@code config.yaml}) overridden by program arguments
 * {@code --key value}: {@link ClusterJobOptions} ({@code dsi.kafka.*}) and
 * {@link io.dsistream.pipelines.indexing.IndexingJobOptions} ({@code dsi.indexing.*}; the model registry must be a
 * path every TaskManager sees, e.g. a shared volume). State backend, checkpoints, savepoints and the restart strategy
 * are the cluster's configuration, not this code's.
 */
public final class ClusterJobMain {

    private ClusterJobMain() {
    }

    public static void main(String[] args) throws Exception {
        DjlOffline.configure();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration options = options(env.getConfiguration(), args);
        System.out.println("dsi cluster job options: " + new TreeMap<>(dsiOptions(options)));
        build(options).execute(env);
    }

    /** The job for these options: indexing and the query path in one job, over one trie. */
    public static IndexingJob build(Configuration options) {
        String servers = options.getOptional(ClusterJobOptions.BOOTSTRAP_SERVERS).orElseThrow(() ->
                new IllegalArgumentException("option " + ClusterJobOptions.BOOTSTRAP_SERVERS.key()
                        + " is not set: pass --" + ClusterJobOptions.BOOTSTRAP_SERVERS.key() + " HOST:PORT"));
        DeliveryGuarantee guarantee = options.get(ClusterJobOptions.DELIVERY_GUARANTEE);
        String prefix = options.get(ClusterJobOptions.TRANSACTIONAL_ID_PREFIX);
        IndexingSettings settings = IndexingSettings.from(options);
        Path registry = settings.registry();
        if (!registry.isAbsolute()) {
            throw new IllegalArgumentException("option " + IndexingJobOptions.REGISTRY.key() + " must be an absolute "
                    + "path that every TaskManager sees (a shared volume), got '" + registry + "'");
        }
        String group = options.get(ClusterJobOptions.GROUP_ID);
        IndexingJob job = new IndexingJob(new IndexingJob.Connectors(
                KafkaConnectors.documentsSource(servers, options.get(ClusterJobOptions.DOCUMENTS_TOPIC), group, false),
                KafkaConnectors.queriesSource(servers, options.get(ClusterJobOptions.QUERIES_TOPIC), group + "-queries",
                        false),
                KafkaConnectors.queriesSource(servers, options.get(ClusterJobOptions.MODEL_UPDATES_TOPIC),
                        group + "-model-updates", false),
                KafkaConnectors.assignmentsSink(servers, options.get(ClusterJobOptions.ASSIGNMENTS_TOPIC), guarantee,
                        prefix),
                KafkaConnectors.answersSink(servers, options.get(ClusterJobOptions.ENRICHED_QUERIES_TOPIC), guarantee,
                        prefix),
                KafkaConnectors.deadLettersSink(servers, options.get(ClusterJobOptions.DEAD_LETTERS_TOPIC), guarantee,
                        prefix),
                KafkaConnectors.healthSink(servers, options.get(ClusterJobOptions.INDEX_HEALTH_TOPIC))),
                settings, new RegistryBundleSource(registry, settings.modelName()));
        Optional<TrainerJobOptions.TrainerSetup> trainer = TrainerJobOptions.from(options, settings);
        String updates = options.get(ClusterJobOptions.MODEL_UPDATES_TOPIC);
        return trainer.map(setup -> job.withTrainer(setup, KafkaConnectors.feedbackSource(servers,
                        options.get(ClusterJobOptions.FEEDBACK_TOPIC), group + "-feedback"),
                KafkaConnectors.modelUpdatesSink(servers, updates, guarantee, prefix))
                .withGenerations(KafkaConnectors.generationsSink(servers, updates, guarantee, prefix))).orElse(job);
    }

    /** The cluster's configuration with {@code --key value} program arguments on top. */
    static Configuration options(ReadableConfig cluster, String[] args) {
        Configuration options = Configuration.fromMap(cluster.toMap());
        ParameterTool.fromArgs(args).toMap().forEach(options::setString);
        return options;
    }

    private static Map<String, String> dsiOptions(Configuration options) {
        Map<String, String> out = new TreeMap<>();
        options.toMap().forEach((k, v) -> {
            if (k.startsWith("dsi.")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
