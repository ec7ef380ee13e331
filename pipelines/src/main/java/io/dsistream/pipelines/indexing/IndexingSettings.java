package io.dsistream.pipelines.indexing;

import io.dsistream.models.ids.BalanceThresholds;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.serving.ComputeGate;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

import static io.dsistream.pipelines.indexing.IndexingJobOptions.*;

/** The job's options, read once from a {@link Configuration}; see {@link IndexingJobOptions}. */
public record IndexingSettings(Path registry, String modelName, int encodeBatchSize, Duration encodeMaxWait,
                               int encodeCapacity, Duration encodeTimeout, int encodeSubBatch, String augmentations, int maxTextChars,
                               int keyPrefixLength, boolean floatVectors, Duration healthInterval,
                               BalanceThresholds thresholds, QuerySettings queries, Duration generationDropDelay) {

    /** The query path's options ({@code dsi.query.*}). */
    public record QuerySettings(int batchSize, Duration maxWait, int capacity, Duration timeout, Duration gatherTimeout,
                                Duration gatherRetention, ComputeGate.Mode priority,
                                StreamingRetrievalOptions retrieval)
            implements Serializable {
    }

    public static IndexingSettings from(Configuration conf) {
        return new IndexingSettings(Path.of(conf.get(REGISTRY)), conf.get(MODEL_NAME), conf.get(ENCODE_BATCH_SIZE),
                conf.get(ENCODE_MAX_WAIT), conf.get(ENCODE_CAPACITY), conf.get(ENCODE_TIMEOUT), conf.get(ENCODE_SUB_BATCH),
                conf.get(AUGMENTATIONS),
                conf.get(MAX_TEXT_CHARS), conf.get(KEY_PREFIX_LENGTH), conf.get(FLOAT_VECTORS),
                conf.get(HEALTH_INTERVAL), new BalanceThresholds(conf.get(ENTROPY_WARN), conf.get(ENTROPY_ALERT),
                conf.get(MAX_LEAF_WARN), conf.get(MAX_LEAF_ALERT), conf.get(GINI_WARN), conf.get(GINI_ALERT)),
                new QuerySettings(conf.get(QUERY_BATCH_SIZE), conf.get(QUERY_MAX_WAIT), conf.get(QUERY_CAPACITY),
                        conf.get(QUERY_TIMEOUT), conf.get(GATHER_TIMEOUT), conf.get(GATHER_RETENTION),
                        conf.get(QUERY_PRIORITY),
                        new StreamingRetrievalOptions(conf.get(BEAM_SIZE), conf.get(QUANTIZER_LEAVES),
                                conf.get(BACKOFF_LEAVES), conf.get(DECODER_WEIGHT), conf.get(DENSE_WEIGHT))),
                conf.get(GENERATION_DROP_DELAY));
    }

    public static IndexingSettings defaults() {
        return from(new Configuration());
    }
}
