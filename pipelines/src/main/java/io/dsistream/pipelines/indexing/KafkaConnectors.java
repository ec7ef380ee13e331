package io.dsistream.pipelines.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.WireJson;
import io.dsistream.schemas.indexing.SourceDocument;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The indexing job's Kafka source and sinks. Output sinks are transactional for {@link DeliveryGuarantee#EXACTLY_ONCE}
 * with {@code transaction.timeout.ms} of 15 minutes (the sink's default of one hour exceeds the broker's maximum
 * and the job would restart-loop); records are visible to {@code read_committed} readers at each checkpoint.
 */
public final class KafkaConnectors {

    /** Producer linger of the sinks whose records nobody waits on one by one: a few ms batch a burst into one send. */
    private static final int BATCHING_LINGER_MS = 5;

    /** Transaction timeout of the exactly-once sinks: the broker's default maximum. */
    public static final String TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaConnectors() {
    }

    /**
     * The documents source from the earliest offsets.
     *
     * @param bounded stop at the offsets that are latest when the job starts (tests, benchmarks); false: run forever
     */
    public static KafkaSource<SourceDocument> documentsSource(String bootstrapServers, String topic, String groupId,
                                                              boolean bounded) {
        var builder = KafkaSource.<SourceDocument>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new SourceDocumentDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", Integer.toString(32 * 1024 * 1024))
                .setProperty("fetch.max.bytes", Integer.toString(64 * 1024 * 1024));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The queries source from the earliest offsets; records as for {@link #documentsSource}. */
    public static KafkaSource<SourceDocument> queriesSource(String bootstrapServers, String topic, String groupId,
                                                            boolean bounded) {
        return documentsSource(bootstrapServers, topic, groupId, bounded);
    }

    /**
     * Every source and sink of the job on the default topics ({@link IndexingTopics}): the documents, queries and
     * model-updates sources from the earliest offsets (unbounded), the assignments, answers and dead-letter sinks with
     * {@code guarantee} (transactional ids under {@code transactionalIdPrefix}), the health sink at least once.
     */
    public static IndexingJob.Connectors forJob(String bootstrapServers, DeliveryGuarantee guarantee,
                                                String transactionalIdPrefix) {
        return new IndexingJob.Connectors(
                documentsSource(bootstrapServers, IndexingTopics.DOCUMENTS, "dsi-indexer", false),
                queriesSource(bootstrapServers, IndexingTopics.QUERIES, "dsi-queries", false),
                queriesSource(bootstrapServers, IndexingTopics.MODEL_UPDATES, "dsi-model-updates", false),
                assignmentsSink(bootstrapServers, IndexingTopics.ASSIGNMENTS, guarantee, transactionalIdPrefix),
                answersSink(bootstrapServers, IndexingTopics.ENRICHED_QUERIES, guarantee, transactionalIdPrefix),
                deadLettersSink(bootstrapServers, IndexingTopics.DEAD_LETTERS, guarantee, transactionalIdPrefix),
                healthSink(bootstrapServers, IndexingTopics.INDEX_HEALTH));
    }

    /** The feedback source from the earliest offsets (unbounded), for the trainer. */
    public static KafkaSource<SourceDocument> feedbackSource(String bootstrapServers, String topic, String groupId) {
        return documentsSource(bootstrapServers, topic, groupId, false);
    }

    /** The trainer's announcements of published versions, {@code {model, version}} keyed by model name. */
    public static KafkaSink<ModelUpdateRecord> modelUpdatesSink(String bootstrapServers, String topic,
                                                                DeliveryGuarantee guarantee,
                                                                String transactionalIdPrefix) {
        return sink(bootstrapServers, guarantee, transactionalIdPrefix + "-model-updates",
                (KafkaRecordSerializationSchema<ModelUpdateRecord>) (record, context, timestamp) -> new ProducerRecord<>(
                        topic, null, null, record.model.getBytes(StandardCharsets.UTF_8),
                        WireJson.toBytes(record)));
    }

    /**
     * {@link IndexingJob#withTrainer} on the default topics, when {@code setup} is present, with index generations
     * ({@link IndexingJob#withGenerations}) announced on the same topic.
     */
    public static IndexingJob withTrainer(IndexingJob job, Optional<TrainerJobOptions.TrainerSetup> setup,
                                          String bootstrapServers, DeliveryGuarantee guarantee,
                                          String transactionalIdPrefix) {
        return setup.map(s -> job.withTrainer(s, feedbackSource(bootstrapServers, IndexingTopics.FEEDBACK,
                "dsi-feedback"), modelUpdatesSink(bootstrapServers, IndexingTopics.MODEL_UPDATES, guarantee,
                transactionalIdPrefix)).withGenerations(generationsSink(bootstrapServers,
                IndexingTopics.MODEL_UPDATES, guarantee, transactionalIdPrefix))).orElse(job);
    }

    /** The generation coordinator's ready and drop events on {@code topic} (its own transactional ids). */
    public static KafkaSink<ModelUpdateRecord> generationsSink(String bootstrapServers, String topic,
                                                               DeliveryGuarantee guarantee,
                                                               String transactionalIdPrefix) {
        return modelUpdatesSink(bootstrapServers, topic, guarantee, transactionalIdPrefix + "-generations");
    }

    /** Answers keyed by query id, sent at once (no linger): each waits on a user's query. */
    public static KafkaSink<EnrichedQueryRecord> answersSink(String bootstrapServers, String topic,
                                                             DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return sink(bootstrapServers, guarantee, transactionalIdPrefix + "-answers",
                (KafkaRecordSerializationSchema<EnrichedQueryRecord>) (record, context, timestamp) -> new ProducerRecord<>(
                        topic, null, null, record.queryId.getBytes(StandardCharsets.UTF_8), WireJson.toBytes(record)),
                0);
    }

    public static KafkaSink<AssignmentRecord> assignmentsSink(String bootstrapServers, String topic,
                                                              DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return sink(bootstrapServers, guarantee, transactionalIdPrefix + "-assignments",
                (KafkaRecordSerializationSchema<AssignmentRecord>) (record, context, timestamp) -> new ProducerRecord<>(
                        topic, null, null, record.docId.getBytes(StandardCharsets.UTF_8), WireJson.toBytes(record)));
    }

    public static KafkaSink<DeadLetterRecord> deadLettersSink(String bootstrapServers, String topic,
                                                              DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        return sink(bootstrapServers, guarantee, transactionalIdPrefix + "-dead-letters",
                (KafkaRecordSerializationSchema<DeadLetterRecord>) (record, context, timestamp) -> new ProducerRecord<>(
                        topic, null, null, null, WireJson.toBytes(record)));
    }

    public static KafkaSink<String> healthSink(String bootstrapServers, String topic) {
        return sink(bootstrapServers, DeliveryGuarantee.AT_LEAST_ONCE, "unused",
                (KafkaRecordSerializationSchema<String>) (json, context, timestamp) -> new ProducerRecord<>(
                        topic, null, null, null, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static <T> KafkaSink<T> sink(String bootstrapServers, DeliveryGuarantee guarantee, String transactionalId,
                                         KafkaRecordSerializationSchema<T> serializer) {
        return sink(bootstrapServers, guarantee, transactionalId, serializer, BATCHING_LINGER_MS);
    }

    private static <T> KafkaSink<T> sink(String bootstrapServers, DeliveryGuarantee guarantee, String transactionalId,
                                         KafkaRecordSerializationSchema<T> serializer, int lingerMs) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .setProperty("max.request.size", Integer.toString(32 * 1024 * 1024))
                .setProperty("linger.ms", Integer.toString(lingerMs));
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalId);
        }
        return builder.build();
    }

    /** Keeps the raw value bytes with the record's coordinates and timestamp; never fails on bad bytes. */
    static final class SourceDocumentDeserializer implements KafkaRecordDeserializationSchema<SourceDocument> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceDocument> out) {
            out.collect(new SourceDocument(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.value()));
        }

        @Override
        public TypeInformation<SourceDocument> getProducedType() {
            return TypeInformation.of(SourceDocument.class);
        }
    }
}
