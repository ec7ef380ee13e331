package io.dsistream.pipelines.indexing;

import io.dsistream.models.retrieval.RetrievalOptions;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.serving.ComputeGate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/** The job's options (indexing {@code dsi.indexing.*} and queries {@code dsi.query.*}); {@link IndexingSettings#from} reads them once. */
public final class IndexingJobOptions {

    public static final ConfigOption<String> REGISTRY = ConfigOptions.key("dsi.indexing.model.registry")
            .stringType().defaultValue(".dsi/registry")
            .withDescription("Model registry directory; the job serves the newest version of dsi.indexing.model.name.");

    public static final ConfigOption<String> MODEL_NAME = ConfigOptions.key("dsi.indexing.model.name")
            .stringType().defaultValue("demo")
            .withDescription("Name of the model in the registry.");

    public static final ConfigOption<Integer> ENCODE_BATCH_SIZE = ConfigOptions.key("dsi.indexing.encode.batch-size")
            .intType().defaultValue(32)
            .withDescription("Most documents per encoder pass (the batching worker's batch).");

    public static final ConfigOption<Duration> ENCODE_MAX_WAIT = ConfigOptions.key("dsi.indexing.encode.max-wait")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("How long the first queued document waits for batch-mates before its pass runs. "
                    + "0 runs whatever is queued at once.");

    public static final ConfigOption<Integer> ENCODE_CAPACITY = ConfigOptions.key("dsi.indexing.encode.capacity")
            .intType().defaultValue(128)
            .withDescription("Most documents in flight in the async encode operator per subtask (backpressure "
                    + "beyond it). Should be a few batch sizes.");

    public static final ConfigOption<Duration> ENCODE_TIMEOUT = ConfigOptions.key("dsi.indexing.encode.timeout")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("A document not embedded within this goes to dead-letters (ENCODE_TIMEOUT); the job "
                    + "goes on.");

    public static final ConfigOption<Integer> ENCODE_SUB_BATCH = ConfigOptions.key("dsi.indexing.encode.sub-batch")
            .intType().defaultValue(0)
            .withDescription("Most documents per encoder pass within a batch: a batch runs as sub-passes of this "
                    + "many, and with dsi.query.priority a waiting query runs between two of them, so it waits "
                    + "behind at most one sub-pass. 0 (or at least the batch size): one pass per batch.");

    public static final ConfigOption<String> AUGMENTATIONS = ConfigOptions.key("dsi.indexing.normalize.augmentations")
            .stringType().defaultValue("")
            .withDescription("Augmentations applied before encoding, e.g. 'num2word,stopwords'; empty: none.");

    public static final ConfigOption<Integer> MAX_TEXT_CHARS = ConfigOptions.key("dsi.indexing.normalize.max-text-chars")
            .intType().defaultValue(100_000)
            .withDescription("Texts longer than this (UTF-16 chars) are cut before tokenisation and counted "
                    + "(textsTruncated); the tokenizer keeps only the encoder's max length anyway.");

    public static final ConfigOption<Integer> KEY_PREFIX_LENGTH = ConfigOptions.key("dsi.indexing.trie.key-prefix-length")
            .intType().defaultValue(1)
            .withDescription("ID codes in the trie's key: V^length keys spread the trie over the subtasks.");

    public static final ConfigOption<Boolean> FLOAT_VECTORS = ConfigOptions.key("dsi.indexing.trie.float-vectors")
            .booleanType().defaultValue(false)
            .withDescription("Keep rerank vectors as floats; false stores int8 codes and a scale (4x smaller).");

    public static final ConfigOption<Duration> GENERATION_DROP_DELAY = ConfigOptions.key(
                    "dsi.indexing.generation.drop-delay")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("How long after a new index generation is announced ready the previous one is dropped: "
                    + "queries planned before the switch still read it meanwhile. Longer than a query takes from "
                    + "planning to its leaf lookups (dsi.query.timeout bounds it); a new build drops it at once.");

    public static final ConfigOption<Duration> HEALTH_INTERVAL = ConfigOptions.key("dsi.indexing.health.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Period of the index-health reports.");

    public static final ConfigOption<Double> ENTROPY_WARN = ConfigOptions.key("dsi.indexing.health.entropy.warn")
            .doubleType().defaultValue(0.80).withDescription("Warn below this normalised leaf entropy.");
    public static final ConfigOption<Double> ENTROPY_ALERT = ConfigOptions.key("dsi.indexing.health.entropy.alert")
            .doubleType().defaultValue(0.60).withDescription("Alert below this normalised leaf entropy.");
    public static final ConfigOption<Double> MAX_LEAF_WARN = ConfigOptions.key("dsi.indexing.health.max-leaf-over-mean.warn")
            .doubleType().defaultValue(8.0).withDescription("Warn when the largest leaf exceeds this multiple of the mean.");
    public static final ConfigOption<Double> MAX_LEAF_ALERT = ConfigOptions.key("dsi.indexing.health.max-leaf-over-mean.alert")
            .doubleType().defaultValue(32.0).withDescription("Alert when the largest leaf exceeds this multiple of the mean.");
    public static final ConfigOption<Double> GINI_WARN = ConfigOptions.key("dsi.indexing.health.gini.warn")
            .doubleType().defaultValue(0.5).withDescription("Warn above this Gini coefficient of leaf sizes.");
    public static final ConfigOption<Double> GINI_ALERT = ConfigOptions.key("dsi.indexing.health.gini.alert")
            .doubleType().defaultValue(0.7).withDescription("Alert above this Gini coefficient of leaf sizes.");

    public static final ConfigOption<Integer> QUERY_BATCH_SIZE = ConfigOptions.key("dsi.query.batch-size")
            .intType().defaultValue(16)
            .withDescription("Most queries per encoder pass in the async retrieve operator.");

    public static final ConfigOption<Duration> QUERY_MAX_WAIT = ConfigOptions.key("dsi.query.max-wait")
            .durationType().defaultValue(Duration.ofMillis(2))
            .withDescription("How long the first queued query waits for batch-mates before its pass runs.");

    public static final ConfigOption<Integer> QUERY_CAPACITY = ConfigOptions.key("dsi.query.capacity")
            .intType().defaultValue(64)
            .withDescription("Most queries in flight in the async retrieve operator per subtask; beyond it the "
                    + "queries source is backpressured (latency rises, memory does not).");

    public static final ConfigOption<ComputeGate.Mode> QUERY_PRIORITY = ConfigOptions.key("dsi.query.priority")
            .enumType(ComputeGate.Mode.class).defaultValue(ComputeGate.Mode.OFF)
            .withDescription("Query passes before document passes (JVM-wide ComputeGate): with exclusive or overlap, "
                    + "no document sub-pass (dsi.indexing.encode.sub-batch) starts while a query pass waits or "
                    + "runs, and a document pass waits behind at most " + ComputeGate.DEFAULT_MAX_QUERIES_AHEAD
                    + " query passes. exclusive: one pass at a time, a query waits for the running sub-pass's "
                    + "current encoder layer (the sub-pass steps aside between layers); "
                    + "overlap: a query starts at once, beside the running sub-pass; off: query and document passes "
                    + "run at once and share the cores.");

    public static final ConfigOption<Duration> QUERY_TIMEOUT = ConfigOptions.key("dsi.query.timeout")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("A query not planned within this is answered empty and partial; the job goes on.");

    public static final ConfigOption<Duration> GATHER_TIMEOUT = ConfigOptions.key("dsi.query.gather-timeout")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How long a planned query waits for the trie's answers before it is answered with "
                    + "what has arrived, marked partial.");

    public static final ConfigOption<Duration> GATHER_RETENTION = ConfigOptions.key("dsi.query.gather-retention")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("How long an answered query id is remembered: late parts are dropped and a query "
                    + "re-sent with the same id within it is not answered again (counted).");

    public static final ConfigOption<Integer> BEAM_SIZE = ConfigOptions.key("dsi.query.beam-size")
            .intType().defaultValue(10)
            .withDescription("Width of the decoder's beam search over the ID space (bundles with a decoder).");

    public static final ConfigOption<Integer> QUANTIZER_LEAVES = ConfigOptions.key("dsi.query.quantizer-leaves")
            .intType().defaultValue(StreamingRetrievalOptions.DEFAULT_QUANTIZER_LEAVES)
            .withDescription("Leaf IDs proposed per query by the quantizer (the query's own ID first); the main "
                    + "lever on documents scored per query.");

    public static final ConfigOption<Integer> BACKOFF_LEAVES = ConfigOptions.key("dsi.query.backoff-leaves")
            .intType().defaultValue(StreamingRetrievalOptions.DEFAULT_BACKOFF_LEAVES)
            .withDescription("Populated leaves an empty candidate ID backs off to, under its longest populated prefix.");

    public static final ConfigOption<Float> DECODER_WEIGHT = ConfigOptions.key("dsi.query.decoder-weight")
            .floatType().defaultValue(RetrievalOptions.DEFAULT_DECODER_WEIGHT)
            .withDescription("w_dec: weight of the decoder's log p(ID | q) in a document's score.");

    public static final ConfigOption<Float> DENSE_WEIGHT = ConfigOptions.key("dsi.query.dense-weight")
            .floatType().defaultValue(1f)
            .withDescription("w_dense: weight of the query-document dot product in a document's score.");

    private IndexingJobOptions() {
    }
}
