package io.dsistream.pipelines.indexing;

import io.dsistream.operators.OperatorUids;
import io.dsistream.operators.indexing.AssignId;
import io.dsistream.operators.indexing.AssignerSource;
import io.dsistream.operators.indexing.AsyncEncode;
import io.dsistream.operators.indexing.BalanceMonitor;
import io.dsistream.operators.indexing.DeadLetters;
import io.dsistream.operators.indexing.GenerationCoordinator;
import io.dsistream.operators.indexing.IdPrefixKey;
import io.dsistream.operators.indexing.ModelBundleSource;
import io.dsistream.operators.indexing.NormalizeText;
import io.dsistream.operators.indexing.ParseModelUpdates;
import io.dsistream.operators.indexing.ParseDocuments;
import io.dsistream.operators.indexing.TrieIndex;
import io.dsistream.operators.indexing.UpsertDelete;
import io.dsistream.operators.query.AsyncRetrieve;
import io.dsistream.operators.query.Gather;
import io.dsistream.operators.query.ParseQueries;
import io.dsistream.operators.query.SplitByTrieKey;
import io.dsistream.operators.training.HealthAlerts;
import io.dsistream.operators.training.ParseFeedback;
import io.dsistream.operators.training.Trainer;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentParser;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.QueryParser;
import io.dsistream.schemas.query.LeafHits;
import io.dsistream.schemas.query.LeafQuery;
import io.dsistream.schemas.query.QueryHeader;
import io.dsistream.schemas.query.QueryRequest;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.indexing.SourceDocument;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The streaming job: it indexes documents and answers queries over the same keyed trie state.
 * <ul>
 *   <li>Indexing: documents → parse and validate → normalise → AsyncEncode → AssignId → keyBy(document id)
 *       upsert/delete → keyBy(ID prefix) TrieIndex → assignments; leaf size changes → BalanceMonitor (parallelism
 *       1) → index-health.</li>
 *   <li>Model updates: {@code {model, version}} events → broadcast, in order with the records, to AsyncEncode,
 *       AssignId and AsyncRetrieve, which switch to that version of the model (hot swap; the active version is in
 *       checkpointed state).</li>
 *   <li>Queries: queries → parse and validate → AsyncRetrieve (encoder, decoder beam, quantizer IDs) → split by trie
 *       key → keyBy(ID prefix) TrieIndex's second input (leaf lookup with back-off) → keyBy(query id) Gather (top k
 *       of all parts, partial on timeout) → enriched-queries.</li>
 *   <li>Index generations ({@link #withGenerations}, optional): model-update events with a generation → broadcast
 *       to upsert/delete, which re-assigns every document into the new generation's trie state (build), switches
 *       (ready) and drops the old one (drop); its re-assignment counts and the trie's acknowledgements →
 *       GenerationCoordinator (parallelism 1) → ready and drop events → model-updates.</li>
 *   <li>Trainer ({@link #withTrainer}, optional): indexed documents, deletes, feedback, versions served and balance
 *       alerts → Trainer (parallelism 1, slot-sharing group {@code train}; rounds on its own thread) → the versions
 *       it publishes → model-updates.</li>
 * </ul>
 * Rejected records of every step → dead letters. Sources and sinks are passed in ({@link Connectors}):
 * {@code dsi demo} and the integration tests pass Kafka ones ({@link KafkaConnectors#forJob}).
 *
 * <p>Ordering: the documents producer keys records by document id, so one document's records stay in one Kafka
 * partition and one source subtask; the encode worker completes requests in arrival order, so an upsert and a later
 * delete of one document reach the upsert/delete step in order.
 */
public final class IndexingJob {

    /** Name of the job in the Web UI and the REST API. */
    public static final String JOB_NAME = "dsi-indexing";

    /** The job's sources and sinks. */
    public record Connectors(Source<SourceDocument, ?, ?> documents, Source<SourceDocument, ?, ?> queries,
                             Source<SourceDocument, ?, ?> modelUpdates, Sink<AssignmentRecord> assignments,
                             Sink<EnrichedQueryRecord> answers, Sink<DeadLetterRecord> deadLetters,
                             Sink<String> indexHealth) {
        public Connectors {
            Objects.requireNonNull(documents, "documents");
            Objects.requireNonNull(queries, "queries");
            Objects.requireNonNull(modelUpdates, "modelUpdates");
            Objects.requireNonNull(assignments, "assignments");
            Objects.requireNonNull(answers, "answers");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(indexHealth, "indexHealth");
        }
    }

    private final Connectors io;
    private final IndexingSettings settings;
    private final ModelBundleSource model;
    private MapFunction<IndexRequest, IndexRequest> beforeIndex;
    private TrainerJobOptions.TrainerSetup trainer;
    private Source<SourceDocument, ?, ?> feedback;
    private Sink<ModelUpdateRecord> trainerAnnouncements;
    private Sink<ModelUpdateRecord> generationAnnouncements;

    public IndexingJob(Connectors io, IndexingSettings settings, ModelBundleSource model) {
        this.io = Objects.requireNonNull(io, "io");
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

    /**
     * Adds the continual trainer (parallelism 1, slot-sharing group {@value TrainerJobOptions#SLOT_SHARING_GROUP}):
     * it reads every indexed document (text, stored ID, vector), the {@code feedback} records, the versions served
     * and balance alerts, and announces the versions it publishes on {@code modelUpdates} (the model-updates topic
     * the job reads, so every model operator switches to them).
     */
    public IndexingJob withTrainer(TrainerJobOptions.TrainerSetup setup, Source<SourceDocument, ?, ?> feedbackSource,
                                   Sink<ModelUpdateRecord> modelUpdates) {
        this.trainer = Objects.requireNonNull(setup, "setup");
        this.feedback = Objects.requireNonNull(feedbackSource, "feedbackSource");
        this.trainerAnnouncements = Objects.requireNonNull(modelUpdates, "modelUpdates");
        return this;
    }

    /**
     * Enables index generations: generation events on model-updates re-assign every document into a new generation
     * and switch queries to it once complete; the job announces that ({@code ready}, then {@code drop}) on
     * {@code modelUpdates}, a sink to the model-updates topic the job reads. Without it generation events are
     * ignored and the trainer never asks for one.
     */
    public IndexingJob withGenerations(Sink<ModelUpdateRecord> modelUpdates) {
        this.generationAnnouncements = Objects.requireNonNull(modelUpdates, "modelUpdates");
        return this;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<SourceDocument> source = env.fromSource(io.documents(), WatermarkStrategy.noWatermarks(), "documents")
                .uid(OperatorUids.DOCUMENTS_SOURCE);
        SingleOutputStreamOperator<IndexRequest> parsed = source
                .process(new ParseDocuments(new DocumentParser()), TypeInformation.of(IndexRequest.class))
                .uid(OperatorUids.PARSE).name("parse and validate");
        DataStream<IndexRequest> normalized = parsed
                .map(new NormalizeText(settings.augmentations(), settings.maxTextChars()))
                .returns(IndexRequest.class)
                .uid(OperatorUids.NORMALIZE).name("normalize");
        // Model-update events reach every subtask of the model operators, in order with the records around them.
        SingleOutputStreamOperator<ModelUpdateRecord> updates = env
                .fromSource(io.modelUpdates(), WatermarkStrategy.noWatermarks(), "model-updates")
                .uid(OperatorUids.MODEL_UPDATES_SOURCE)
                .process(new ParseModelUpdates(model.modelName()), TypeInformation.of(ModelUpdateRecord.class))
                .uid(OperatorUids.PARSE_MODEL_UPDATES).name("parse model updates");
        DataStream<IndexRequest> documentsAndControls = normalized.union(updates.broadcast()
                .flatMap(ParseModelUpdates.toDocumentControl(generationAnnouncements != null))
                .returns(IndexRequest.class)
                .uid(OperatorUids.DOCUMENT_CONTROLS).name("model update (documents)"));
        AsyncEncode encode = new AsyncEncode(model, settings.encodeBatchSize(), settings.encodeMaxWait(),
                Math.max(settings.encodeCapacity(), settings.encodeBatchSize()) * 2, settings.encodeSubBatch(),
                settings.queries().priority());
        UpsertDelete upsertDelete = new UpsertDelete(settings.floatVectors());
        if (generationAnnouncements != null) {
            upsertDelete.withGenerations(AssignerSource.of(model));
        }
        if (trainer != null) {
            encode.withKeptText();
            upsertDelete.withTrainingEvents();
        }
        DataStream<IndexRequest> encoded = AsyncDataStream.unorderedWait(documentsAndControls, encode,
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
        BroadcastStream<ModelUpdateRecord> generationEvents = updates.broadcast(UpsertDelete.GENERATIONS);
        SingleOutputStreamOperator<IndexChange> changes = toIndex
                .keyBy(new DocumentIdKey(), Types.STRING)
                .connect(generationEvents)
                .process(upsertDelete, TypeInformation.of(IndexChange.class))
                .uid(OperatorUids.UPSERT_DELETE).name("upsert/delete");
        IndexingSettings.QuerySettings query = settings.queries();
        SingleOutputStreamOperator<QueryRequest> parsedQueries = env
                .fromSource(io.queries(), WatermarkStrategy.noWatermarks(), "queries").uid(OperatorUids.QUERIES_SOURCE)
                .process(new ParseQueries(new QueryParser()), TypeInformation.of(QueryRequest.class))
                .uid(OperatorUids.PARSE_QUERIES).name("parse queries");
        DataStream<QueryRequest> queriesAndControls = parsedQueries.union(updates.broadcast()
                .flatMap(ParseModelUpdates.toQueryControl(generationAnnouncements != null))
                .returns(QueryRequest.class)
                .uid(OperatorUids.QUERY_CONTROLS).name("model update (queries)"));
        SingleOutputStreamOperator<LeafQuery> leafQueries = AsyncDataStream.unorderedWait(queriesAndControls,
                        new AsyncRetrieve(model, query.retrieval(), query.batchSize(), query.maxWait(),
                                Math.max(query.capacity(), query.batchSize()) * 2, query.priority()),
                        query.timeout().toMillis(), TimeUnit.MILLISECONDS, query.capacity())
                .uid(OperatorUids.ASYNC_RETRIEVE).name("async retrieve")
                .process(new SplitByTrieKey(settings.keyPrefixLength()), TypeInformation.of(LeafQuery.class))
                .uid(OperatorUids.SPLIT_BY_TRIE_KEY).name("split by trie key");

        SingleOutputStreamOperator<AssignmentRecord> assignmentRecords = changes
                .keyBy(new IdPrefixKey(settings.keyPrefixLength()), Types.STRING)
                .connect(leafQueries.keyBy(new LeafQueryKey(), Types.STRING))
                .process(new TrieIndex(settings.keyPrefixLength(), query.retrieval()),
                        TypeInformation.of(AssignmentRecord.class))
                .uid(OperatorUids.TRIE_INDEX).name("trie index");
        assignmentRecords.sinkTo(io.assignments()).uid(OperatorUids.ASSIGNMENTS_SINK).name("docid-assignments");

        leafQueries.getSideOutput(SplitByTrieKey.HEADERS).keyBy(new HeaderKey(), Types.STRING)
                .connect(assignmentRecords.getSideOutput(TrieIndex.LEAF_HITS).keyBy(new HitsKey(), Types.STRING))
                .process(new Gather(query.gatherTimeout(), query.gatherRetention()),
                        TypeInformation.of(EnrichedQueryRecord.class))
                .uid(OperatorUids.GATHER).name("gather")
                .sinkTo(io.answers()).uid(OperatorUids.ANSWERS_SINK).name("enriched-queries");

        if (generationAnnouncements != null) {
            changes.getSideOutput(GenerationCoordinator.PROGRESS)
                    .union(assignmentRecords.getSideOutput(GenerationCoordinator.PROGRESS))
                    .keyBy(GenerationCoordinator.KEY, Types.INT)
                    .process(new GenerationCoordinator(model.modelName(), settings.generationDropDelay()),
                            TypeInformation.of(ModelUpdateRecord.class))
                    .uid(OperatorUids.GENERATION_COORDINATOR).name("generation coordinator")
                    .setParallelism(1).setMaxParallelism(1)
                    .sinkTo(generationAnnouncements).uid(OperatorUids.GENERATION_UPDATES_SINK)
                    .name("model-updates (generations)").setParallelism(1);
        }

        SingleOutputStreamOperator<String> health = assignmentRecords.getSideOutput(TrieIndex.LEAF_SIZES)
                .keyBy(BalanceMonitor.KEY, Types.INT)
                .process(new BalanceMonitor(settings.thresholds(), settings.healthInterval()), Types.STRING)
                .uid(OperatorUids.BALANCE_MONITOR).name("balance monitor").setParallelism(1).setMaxParallelism(1);
        health.sinkTo(io.indexHealth()).uid(OperatorUids.INDEX_HEALTH_SINK).name("index-health").setParallelism(1);

        DataStream<DeadLetterRecord> deadLetters = parsed.getSideOutput(DeadLetters.TAG)
                .union(assigned.getSideOutput(DeadLetters.TAG), changes.getSideOutput(DeadLetters.TAG),
                        parsedQueries.getSideOutput(DeadLetters.TAG), updates.getSideOutput(DeadLetters.TAG));
        if (trainer != null) {
            deadLetters = deadLetters.union(buildTrainer(env, changes, updates, health));
        }
        deadLetters.sinkTo(io.deadLetters()).uid(OperatorUids.DEAD_LETTERS_SINK).name("dead-letters");
    }

    /** The trainer and its inputs; returns the feedback parser's dead letters. */
    private DataStream<DeadLetterRecord> buildTrainer(StreamExecutionEnvironment env,
                                                      SingleOutputStreamOperator<IndexChange> changes,
                                                      DataStream<ModelUpdateRecord> updates, DataStream<String> health) {
        SingleOutputStreamOperator<TrainerEvent> feedbackEvents = env
                .fromSource(feedback, WatermarkStrategy.noWatermarks(), "feedback").uid(OperatorUids.FEEDBACK_SOURCE)
                .process(new ParseFeedback(), TypeInformation.of(TrainerEvent.class))
                .uid(OperatorUids.PARSE_FEEDBACK).name("parse feedback");
        DataStream<TrainerEvent> served = updates.map(update -> TrainerEvent.modelUpdate(update.version,
                        update.generation, update.stage))
                .returns(TrainerEvent.class).uid(OperatorUids.TRAINER_MODEL_UPDATES).name("model update (trainer)");
        DataStream<TrainerEvent> alerts = health.flatMap(new HealthAlerts()).returns(TrainerEvent.class)
                .uid(OperatorUids.TRAINER_HEALTH_ALERTS).name("balance alerts").setParallelism(1);
        SlotSharingGroup group = trainer.gpus() > 0
                ? SlotSharingGroup.newBuilder(TrainerJobOptions.SLOT_SHARING_GROUP).setCpuCores(1.0)
                        .setTaskHeapMemoryMB(1024).setExternalResource(Trainer.GPU_RESOURCE, trainer.gpus()).build()
                : SlotSharingGroup.newBuilder(TrainerJobOptions.SLOT_SHARING_GROUP).build();
        Trainer rounds = new Trainer(trainer.settings(), trainer.tick());
        if (generationAnnouncements != null) {
            rounds.withGenerations(trainer.generations()); // a build is only asked for where the job can do it
        }
        changes.getSideOutput(UpsertDelete.TRAINING).union(feedbackEvents, served, alerts)
                .keyBy(Trainer.KEY, Types.INT)
                .process(rounds, TypeInformation.of(ModelUpdateRecord.class))
                .uid(OperatorUids.TRAINER).name("trainer").setParallelism(1).setMaxParallelism(1)
                .slotSharingGroup(group)
                .sinkTo(trainerAnnouncements).uid(OperatorUids.MODEL_UPDATES_SINK).name("model-updates (trainer)")
                .setParallelism(1).slotSharingGroup(group);
        return feedbackEvents.getSideOutput(DeadLetters.TAG);
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

    /** A query part's trie key. */
    static final class LeafQueryKey implements KeySelector<LeafQuery, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(LeafQuery query) {
            return query.trieKey;
        }
    }

    /** The gatherer's key, on headers. */
    static final class HeaderKey implements KeySelector<QueryHeader, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(QueryHeader header) {
            return header.queryId;
        }
    }

    /** The gatherer's key, on parts. */
    static final class HitsKey implements KeySelector<LeafHits, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(LeafHits hits) {
            return hits.queryId;
        }
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
