package io.dsistream.pipelines.indexing;

import io.dsistream.operators.OperatorUids;
import io.dsistream.operators.indexing.AssignId;
import io.dsistream.operators.indexing.AsyncEncode;
import io.dsistream.operators.indexing.BalanceMonitor;
import io.dsistream.operators.indexing.DeadLetters;
import io.dsistream.operators.indexing.IdPrefixKey;
import io.dsistream.operators.indexing.ModelBundleSource;
import io.dsistream.operators.indexing.NormalizeText;
import io.dsistream.operators.indexing.ParseDocuments;
import io.dsistream.operators.indexing.TrieIndex;
import io.dsistream.operators.indexing.UpsertDelete;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentParser;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.indexing.SourceDocument;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The streaming indexing job: documents → parse and validate → normalise → AsyncEncode → AssignId →
 * keyBy(document id) upsert/delete → keyBy(ID prefix) TrieIndex → assignments; rejected records of every step →
 * dead letters; leaf size changes → BalanceMonitor (parallelism 1) → index-health. Sources and sinks are passed in:
 * {@code dsi demo} and the integration tests pass Kafka ones ({@link KafkaConnectors}).
 *
 * <p>Ordering: the documents producer keys records by document id, so one document's records stay in one Kafka
 * partition and one source subtask; the encode worker completes requests in arrival order, so an upsert and a later
 * delete of one document reach the upsert/delete step in order.
 */
public final class IndexingJob {

    /** Name of the job in the Web UI and the REST API. */
    public static final String JOB_NAME = "dsi-indexing";

    private final Source<SourceDocument, ?, ?> documents;
    private final Sink<AssignmentRecord> assignments;
    private final Sink<DeadLetterRecord> deadLetters;
    private final Sink<String> indexHealth;
    private final IndexingSettings settings;
    private final ModelBundleSource model;
    private MapFunction<IndexRequest, IndexRequest> beforeIndex;

    public IndexingJob(Source<SourceDocument, ?, ?> documents, Sink<AssignmentRecord> assignments,
                       Sink<DeadLetterRecord> deadLetters, Sink<String> indexHealth, IndexingSettings settings,
                       ModelBundleSource model) {
        this.documents = Objects.requireNonNull(documents, "documents");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.indexHealth = Objects.requireNonNull(indexHealth, "indexHealth");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * A map applied to every assigned request before the keyed steps (uid {@link OperatorUids#FAILURE_INJECTION}):
     * the exactly-once test throws from it once to force a restart from the last checkpoint.
     */
    public IndexingJob withBeforeIndex(MapFunction<IndexRequest, IndexRequest> function) {
        this.beforeIndex = function;
        return this;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<SourceDocument> source = env.fromSource(documents, WatermarkStrategy.noWatermarks(), "documents")
                .uid(OperatorUids.DOCUMENTS_SOURCE);
        SingleOutputStreamOperator<IndexRequest> parsed = source
                .process(new ParseDocuments(new DocumentParser()), TypeInformation.of(IndexRequest.class))
                .uid(OperatorUids.PARSE).name("parse and validate");
        DataStream<IndexRequest> normalized = parsed
                .map(new NormalizeText(settings.augmentations(), settings.maxTextChars()))
                .returns(IndexRequest.class)
                .uid(OperatorUids.NORMALIZE).name("normalize");
        DataStream<IndexRequest> encoded = AsyncDataStream.unorderedWait(normalized,
                        new AsyncEncode(model, settings.encodeBatchSize(), settings.encodeMaxWait(),
                                Math.max(settings.encodeCapacity(), settings.encodeBatchSize()) * 2),
                        settings.encodeTimeout().toMillis(), TimeUnit.MILLISECONDS, settings.encodeCapacity())
                .uid(OperatorUids.ASYNC_ENCODE).name("async encode");
        SingleOutputStreamOperator<IndexRequest> assigned = encoded
                .process(new AssignId(model), TypeInformation.of(IndexRequest.class))
                .uid(OperatorUids.ASSIGN_ID).name("assign id");
        DataStream<IndexRequest> toIndex = assigned;
        if (beforeIndex != null) {
            toIndex = assigned.map(beforeIndex).returns(IndexRequest.class)
                    .uid(OperatorUids.FAILURE_INJECTION).name("before index");
        }
        SingleOutputStreamOperator<IndexChange> changes = toIndex
                .keyBy(new DocumentIdKey(), Types.STRING)
                .process(new UpsertDelete(settings.floatVectors()), TypeInformation.of(IndexChange.class))
                .uid(OperatorUids.UPSERT_DELETE).name("upsert/delete");
        SingleOutputStreamOperator<AssignmentRecord> assignmentRecords = changes
                .keyBy(new IdPrefixKey(settings.keyPrefixLength()), Types.STRING)
                .process(new TrieIndex(settings.keyPrefixLength()), TypeInformation.of(AssignmentRecord.class))
                .uid(OperatorUids.TRIE_INDEX).name("trie index");
        assignmentRecords.sinkTo(assignments).uid(OperatorUids.ASSIGNMENTS_SINK).name("docid-assignments");

        assignmentRecords.getSideOutput(TrieIndex.LEAF_SIZES)
                .keyBy(BalanceMonitor.KEY, Types.INT)
                .process(new BalanceMonitor(settings.thresholds(), settings.healthInterval()), Types.STRING)
                .uid(OperatorUids.BALANCE_MONITOR).name("balance monitor").setParallelism(1).setMaxParallelism(1)
                .sinkTo(indexHealth).uid(OperatorUids.INDEX_HEALTH_SINK).name("index-health").setParallelism(1);

        parsed.getSideOutput(DeadLetters.TAG)
                .union(assigned.getSideOutput(DeadLetters.TAG), changes.getSideOutput(DeadLetters.TAG))
                .sinkTo(deadLetters).uid(OperatorUids.DEAD_LETTERS_SINK).name("dead-letters");
    }

    /** Builds and runs the job, blocking until it ends. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    /** Builds and submits the job; returns at once. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(JOB_NAME);
    }

    /** The upsert/delete key. */
    static final class DocumentIdKey implements KeySelector<IndexRequest, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(IndexRequest request) {
            return request.docId;
        }
    }
}
