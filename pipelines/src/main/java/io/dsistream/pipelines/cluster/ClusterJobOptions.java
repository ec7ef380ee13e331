package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.indexing.IndexingTopics;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Options of the job as submitted to a cluster ({@link ClusterJobMain}): where Kafka is and which topics to use. Set
 * them in the cluster's {@code config.yaml} or as program arguments ({@code --dsi.kafka.bootstrap-servers
 * kafka:9092}); program arguments win. The indexing options ({@code dsi.indexing.*}, see
 * {@link io.dsistream.pipelines.indexing.IndexingJobOptions}) are read the same way.
 */
public final class ClusterJobOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("dsi.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers as the TaskManagers reach them, e.g. kafka:9092. Required.");

    public static final ConfigOption<String> DOCUMENTS_TOPIC = ConfigOptions.key("dsi.kafka.topic.documents")
            .stringType().defaultValue(IndexingTopics.DOCUMENTS).withDescription("Input topic of documents.");

    public static final ConfigOption<String> ASSIGNMENTS_TOPIC = ConfigOptions.key("dsi.kafka.topic.assignments")
            .stringType().defaultValue(IndexingTopics.ASSIGNMENTS).withDescription("Output topic of ID assignments.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC = ConfigOptions.key("dsi.kafka.topic.dead-letters")
            .stringType().defaultValue(IndexingTopics.DEAD_LETTERS).withDescription("Output topic of rejected records.");

    public static final ConfigOption<String> INDEX_HEALTH_TOPIC = ConfigOptions.key("dsi.kafka.topic.index-health")
            .stringType().defaultValue(IndexingTopics.INDEX_HEALTH).withDescription("Output topic of balance reports.");

    public static final ConfigOption<String> QUERIES_TOPIC = ConfigOptions.key("dsi.kafka.topic.queries")
            .stringType().defaultValue(IndexingTopics.QUERIES).withDescription("Input topic of queries.");

    public static final ConfigOption<String> ENRICHED_QUERIES_TOPIC = ConfigOptions.key("dsi.kafka.topic.enriched-queries")
            .stringType().defaultValue(IndexingTopics.ENRICHED_QUERIES).withDescription("Output topic of answers.");

    public static final ConfigOption<String> MODEL_UPDATES_TOPIC = ConfigOptions.key("dsi.kafka.topic.model-updates")
            .stringType().defaultValue(IndexingTopics.MODEL_UPDATES)
            .withDescription("Input topic of model-update events ({model, version}: hot swap); the trainer, when "
                    + "dsi.train.enabled, announces the versions it publishes here.");

    public static final ConfigOption<String> FEEDBACK_TOPIC = ConfigOptions.key("dsi.kafka.topic.feedback")
            .stringType().defaultValue(IndexingTopics.FEEDBACK)
            .withDescription("Input topic of feedback pairs ({queryText, docId, label?}) for the trainer.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("dsi.kafka.group-id")
            .stringType().defaultValue("dsi-indexer")
            .withDescription("Consumer group of the documents source (offsets live in checkpoints; the group only "
                    + "names the consumer in Kafka's tools).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "dsi.kafka.transactional-id-prefix")
            .stringType().defaultValue("dsi-indexing")
            .withDescription("Prefix of the exactly-once sinks' transactional ids. Keep it across stop-with-savepoint "
                    + "and resubmission: a restored job aborts the lingering transactions under it. Two jobs "
                    + "writing at once need different prefixes.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key(
                    "dsi.kafka.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("Guarantee of the assignments and dead-letters sinks; EXACTLY_ONCE makes output "
                    + "visible to read_committed readers at each checkpoint.");

    private ClusterJobOptions() {
    }
}
