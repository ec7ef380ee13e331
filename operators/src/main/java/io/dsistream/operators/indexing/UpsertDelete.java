package io.dsistream.operators.indexing;

import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.serving.IdAssigner;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.DocumentEntry;
import io.dsistream.schemas.indexing.GenerationProgress;
import io.dsistream.schemas.indexing.GenerationState;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Keyed by document id: turns upserts and deletes into trie changes. A new document is added to its leaf; a changed
 * re-send leaves its old leaf and joins its new one; an unchanged re-send (same content hash, same ID) is a no-op;
 * a delete leaves the leaf and clears the document's state; a delete of an id the index does not hold is a dead
 * letter ({@link RejectReason#DELETE_OF_UNKNOWN_ID}). State: one {@link DocumentEntry} per indexed document (its
 * leaves, content hash and, with generations on, title and embedding), none for deleted ones; no timers.
 *
 * <p>Index generations ({@link #withGenerations}; issue 7), driven by the model-update events of the broadcast input
 * ({@link GenerationState} in broadcast state, the same on every subtask):
 * <ul>
 *   <li>{@code build} g with version N: every document this subtask holds is re-assigned from its stored embedding
 *       with N's quantizer and added to generation g (a separate trie state, {@link IdPrefixKey#key}) as a
 *       {@code rebuild} change; the count goes to {@link GenerationCoordinator#PROGRESS}. Until the switch, each
 *       upsert and delete is applied to both generations.</li>
 *   <li>{@code ready} g: g becomes current (new documents go to g only); no state is rewritten. With
 *       {@link #withTrainingEvents()}, every document's ID in g goes to the trainer ({@link #TRAINING},
 *       {@code REASSIGNED}), then one {@code REASSIGNED_ALL} for this subtask: see {@link #reassignedForTraining}.</li>
 *   <li>{@code drop} g: every document's leaf in generation g − 1 is removed (the trie clears state at zero).</li>
 * </ul>
 * A document's ID in a generation built with version N is the one its request carries when AssignId used N or a
 * later version, otherwise N's quantizer assigns it here, so a document overtaken by a switch lands right.
 */
public class UpsertDelete extends KeyedBroadcastProcessFunction<String, IndexRequest, ModelUpdateRecord, IndexChange> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UpsertDelete.class);

    /**
     * With {@link #withTrainingEvents()}: every document indexed (text, its ID in the generation queries read, vector),
     * every delete and, at a switch, every document's new ID, for the trainer.
     */
    public static final OutputTag<TrainerEvent> TRAINING = new OutputTag<>("training-documents",
            TypeInformation.of(TrainerEvent.class));

    /** The broadcast state: the generations held, under one entry. */
    public static final MapStateDescriptor<String, GenerationState> GENERATIONS = new MapStateDescriptor<>(
            "index-generations", Types.STRING, TypeInformation.of(GenerationState.class));

    private static final String GENERATIONS_ENTRY = "generations";
    private static final ValueStateDescriptor<DocumentEntry> ENTRY = new ValueStateDescriptor<>("document-entry",
            TypeInformation.of(DocumentEntry.class));

    private final boolean floatVectors;
    private boolean trainingEvents;
    private AssignerSource assigners;
    private transient ValueState<DocumentEntry> entry;
    private transient Map<Integer, IdAssigner> openAssigners;
    private transient DeadLetters deadLetters;
    private transient Counter noOps;
    private transient Counter replaced;
    private transient Counter deleted;
    private transient Counter reassigned;
    private transient Counter notReassigned;
    private transient Counter ignored;
    private transient volatile GenerationState shown;

    /** @param floatVectors keep rerank vectors as floats; false quantises them to int8 with one scale (4× smaller) */
    public UpsertDelete(boolean floatVectors) {
        this.floatVectors = floatVectors;
    }

    /** Also emits {@link #TRAINING}; the documents must keep their text ({@link AsyncEncode#withKeptText()}). */
    public UpsertDelete withTrainingEvents() {
        trainingEvents = true;
        return this;
    }

    /**
     * Acts on generation events, re-assigning documents with the quantizers {@code source} opens. Without it they are
     * counted ({@link IndexingMetrics#GENERATION_EVENTS_IGNORED}) and ignored.
     */
    public UpsertDelete withGenerations(AssignerSource source) {
        assigners = source;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        entry = getRuntimeContext().getState(ENTRY);
        openAssigners = new HashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        deadLetters = new DeadLetters(metrics);
        noOps = metrics.counter(IndexingMetrics.NO_OPS);
        replaced = metrics.counter(IndexingMetrics.REPLACED);
        deleted = metrics.counter(IndexingMetrics.DELETED);
        reassigned = metrics.counter(IndexingMetrics.DOCUMENTS_REASSIGNED);
        notReassigned = metrics.counter(IndexingMetrics.DOCUMENTS_NOT_REASSIGNED);
        ignored = metrics.counter(IndexingMetrics.GENERATION_EVENTS_IGNORED);
        shown = new GenerationState();
        metrics.gauge(IndexingMetrics.INDEX_GENERATION, (Gauge<Integer>) () -> shown.current);
        metrics.gauge(IndexingMetrics.GENERATION_BUILDING, (Gauge<Integer>) () -> shown.building() ? 1 : 0);
    }

    @Override
    public void processElement(IndexRequest request, ReadOnlyContext ctx, Collector<IndexChange> out)
            throws Exception {
        GenerationState generations = generations(ctx.getBroadcastState(GENERATIONS));
        shown = generations;
        DocumentEntry current = entry.value();
        if (request.op == DocumentOp.DELETE) {
            if (current == null) {
                deadLetters.count(RejectReason.DELETE_OF_UNKNOWN_ID);
                ctx.output(DeadLetters.TAG, DeadLetters.of(request, RejectReason.DELETE_OF_UNKNOWN_ID,
                        "delete of id '" + request.docId + "', which the index does not hold",
                        System.currentTimeMillis()));
                return;
            }
            removeEverywhere(request, current, generations.current, out);
            entry.clear();
            deleted.inc();
            if (trainingEvents) {
                ctx.output(TRAINING, TrainerEvent.deleted(request.docId));
            }
            return;
        }
        String semanticId = idIn(generations.currentVersion, request);
        String next = generations.building() ? idIn(generations.buildVersion, request) : null;
        if (current != null) {
            if (current.contentHash == request.contentHash && semanticId.equals(current.leafIn(generations.current))
                    && (next == null || next.equals(current.leafIn(generations.current + 1)))) {
                noOps.inc();
                return;
            }
            removeEverywhere(request, current, -1, out);
            replaced.inc();
        }
        String modelVersion = ownCodesServe(generations.currentVersion, request) ? request.modelVersion
                : assigner(generations.currentVersion).modelVersion();
        out.collect(add(request.docId, request.title, request.embedding, semanticId, generations.current,
                modelVersion, request.codesPerPosition, request.appendTs, false));
        DocumentEntry updated = new DocumentEntry(semanticId, request.contentHash, modelVersion);
        updated.generation = generations.current;
        if (assigners != null) { // what a build re-assigns from; without generations the state stays small
            updated.title = request.title;
            updated.vector = request.embedding;
        }
        if (next != null) {
            IdAssigner builder = assigner(generations.buildVersion);
            out.collect(add(request.docId, request.title, request.embedding, next, generations.current + 1,
                    builder.modelVersion(), builder.vocabulary().codesPerPosition(), request.appendTs, false));
            updated.otherSemanticId = next;
            updated.otherGeneration = generations.current + 1;
        }
        entry.update(updated);
        if (trainingEvents && request.text != null) { // the ID the current generation holds: the decoder's target
            ctx.output(TRAINING, TrainerEvent.document(request.docId, AsyncEncode.encoderInput(request),
                    SemanticId.parse(semanticId).codes(), request.embedding));
        }
    }

    /**
     * The document's ID in a generation built with {@code version} (0: generation 0, whose IDs are what AssignId
     * made): the request's own when it was assigned by that version or a later one, else that version's.
     */
    private String idIn(int version, IndexRequest request) {
        if (ownCodesServe(version, request)) {
            return AssignmentRecord.formatSemanticId(request.codes);
        }
        return AssignmentRecord.formatSemanticId(assigner(version).assign(new float[][] {request.embedding})[0]);
    }

    private static boolean ownCodesServe(int version, IndexRequest request) {
        return version == 0 || request.modelVersion == null
                || IndexingBundle.versionNumber(request.modelVersion) >= version;
    }

    /** Removes every leaf the document holds; the one in {@code announced} emits a delete assignment. */
    private void removeEverywhere(IndexRequest request, DocumentEntry current, int announced,
                                  Collector<IndexChange> out) {
        if (current.semanticId != null) {
            out.collect(remove(request.docId, current.semanticId, current.generation, request.modelVersion,
                    request.codesPerPosition, request.appendTs, current.generation == announced));
        }
        if (current.otherSemanticId != null) {
            out.collect(remove(request.docId, current.otherSemanticId, current.otherGeneration, request.modelVersion,
                    request.codesPerPosition, request.appendTs, current.otherGeneration == announced));
        }
    }

    @Override
    public void processBroadcastElement(ModelUpdateRecord update, Context ctx, Collector<IndexChange> out)
            throws Exception {
        if (!update.isGeneration()) {
            return; // a plain version swap: the trie keeps its IDs
        }
        BroadcastState<String, GenerationState> state = ctx.getBroadcastState(GENERATIONS);
        GenerationState generations = generations(state).copy();
        if (assigners == null) {
            ignore(update, generations, "generations are not enabled in this job");
            return;
        }
        switch (update.stage) {
            case BUILD -> {
                if (update.generation != generations.current + 1 || generations.building()) {
                    ignore(update, generations, "a build must be of the generation after the current one, one at a "
                            + "time");
                    return;
                }
                try {
                    assigner(update.version);
                } catch (RuntimeException e) {
                    ignore(update, generations, "cannot load version " + update.version + ": " + e.getMessage());
                    return;
                }
                if (generations.dropPending) {
                    drop(ctx, generations, out); // at most two generations at once
                }
                generations.buildVersion = update.version;
                build(ctx, generations, out);
            }
            case READY -> {
                if (update.generation != generations.current + 1 || !generations.building()) {
                    ignore(update, generations, "no build of that generation runs");
                    return;
                }
                generations.current = update.generation;
                generations.currentVersion = generations.buildVersion;
                generations.buildVersion = 0;
                generations.dropPending = true;
                LOG.info("upsert/delete: generation {} (v{}) is current", generations.current,
                        generations.currentVersion);
                if (trainingEvents) {
                    reassignedForTraining(ctx, generations.current);
                }
            }
            case DROP -> {
                if (update.generation != generations.current || !generations.dropPending) {
                    ignore(update, generations, "no generation before it waits to be dropped");
                    return;
                }
                drop(ctx, generations, out);
            }
            default -> throw new IllegalStateException("unknown generation stage " + update.stage);
        }
        state.put(GENERATIONS_ENTRY, generations);
        closeAssignersOtherThan(generations);
        shown = generations;
    }

    /** Re-assigns every document of this subtask into generation {@code current + 1}; reports the count. */
    private void build(Context ctx, GenerationState generations, Collector<IndexChange> out) throws Exception {
        int target = generations.current + 1;
        IdAssigner builder = assigner(generations.buildVersion);
        int codesPerPosition = builder.vocabulary().codesPerPosition();
        long[] counts = new long[2];
        ctx.applyToKeyedState(ENTRY, (docId, state) -> {
            DocumentEntry document = state.value();
            if (document == null) {
                return;
            }
            if (document.vector == null) {
                counts[1]++; // indexed before entries kept their embedding
                return;
            }
            String semanticId = AssignmentRecord.formatSemanticId(builder.assign(new float[][] {document.vector})[0]);
            IndexChange change = add(docId, document.title, document.vector, semanticId, target,
                    builder.modelVersion(), codesPerPosition, System.currentTimeMillis(), true);
            out.collect(change);
            document.otherSemanticId = semanticId;
            document.otherGeneration = target;
            state.update(document);
            counts[0]++;
        });
        reassigned.inc(counts[0]);
        notReassigned.inc(counts[1]);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        ctx.output(GenerationCoordinator.PROGRESS, GenerationProgress.reassigned(target, generations.buildVersion,
                subtask, subtasks, counts[0]));
        LOG.info("upsert/delete {}: {} documents re-assigned into generation {} with v{} ({} without a stored "
                + "embedding left out)", subtask, counts[0], target, generations.buildVersion, counts[1]);
    }

    /**
     * Tells the trainer every document's ID in {@code generation}, which queries read from now on, then that this
     * subtask is done; it rewrites the IDs its replay buffer and new documents hold and, once every subtask is done,
     * trains a round on them. Sent here, at {@code ready}, rather than at the build: on this side output a
     * document's events are in order (its key lives on this subtask), so a re-send after the switch, which carries the
     * new ID, follows its {@code REASSIGNED}, and one before it precedes it; and the trainer needs no buffer of IDs
     * for a generation that is not yet read (nor to learn when it is). The {@code ready} event is processed on every
     * subtask on the same side of a checkpoint barrier, so the trainer's state after a restore holds either every
     * subtask's events or none, and a replayed {@code ready} sends them again.
     */
    private void reassignedForTraining(Context ctx, int generation) throws Exception {
        long[] sent = new long[1];
        ctx.applyToKeyedState(ENTRY, (docId, state) -> {
            DocumentEntry document = state.value();
            String leaf = document == null ? null : document.leafIn(generation);
            if (leaf != null) {
                ctx.output(TRAINING, TrainerEvent.reassigned(docId, SemanticId.parse(leaf).codes(), generation));
                sent[0]++;
            }
        });
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        ctx.output(TRAINING, TrainerEvent.reassignedAll(generation, subtask,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks()));
        LOG.info("upsert/delete {}: {} documents' IDs in generation {} sent to the trainer", subtask, sent[0],
                generation);
    }

    /** Removes every document's leaf in generation {@code current - 1}. */
    private void drop(Context ctx, GenerationState generations, Collector<IndexChange> out) throws Exception {
        int old = generations.current - 1;
        int current = generations.current;
        IdAssigner serving = assigner(generations.currentVersion);
        String modelVersion = serving.modelVersion();
        int codesPerPosition = serving.vocabulary().codesPerPosition();
        long[] dropped = new long[1];
        ctx.applyToKeyedState(ENTRY, (docId, state) -> {
            DocumentEntry document = state.value();
            if (document == null) {
                return;
            }
            String leaf = document.leafIn(old);
            if (leaf != null) {
                out.collect(remove(docId, leaf, old, modelVersion, codesPerPosition, System.currentTimeMillis(),
                        false));
                dropped[0]++;
            }
            String kept = document.leafIn(current);
            if (kept == null) {
                state.clear(); // never re-assigned: it was only in the dropped generation
                return;
            }
            document.semanticId = kept;
            document.generation = current;
            document.otherSemanticId = null;
            document.otherGeneration = 0;
            state.update(document);
        });
        generations.dropPending = false;
        LOG.info("upsert/delete {}: generation {} dropped ({} documents)",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), old, dropped[0]);
    }

    private void ignore(ModelUpdateRecord update, GenerationState generations, String why) {
        ignored.inc();
        LOG.warn("upsert/delete: generation event {} ignored at {}: {}", update, generations, why);
    }

    private static GenerationState generations(ReadOnlyBroadcastState<String, GenerationState> state)
            throws Exception {
        GenerationState generations = state.get(GENERATIONS_ENTRY);
        return generations == null ? new GenerationState() : generations;
    }

    /** Version {@code version}'s quantizer, opened once. */
    private IdAssigner assigner(int version) {
        IdAssigner assigner = openAssigners.get(version);
        if (assigner == null) {
            assigner = assigners.open(version);
            openAssigners.put(version, assigner);
        }
        return assigner;
    }

    private void closeAssignersOtherThan(GenerationState generations) {
        openAssigners.entrySet().removeIf(e -> {
            int version = e.getKey();
            if (version == generations.currentVersion || version == generations.buildVersion) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    private IndexChange add(String docId, String title, float[] vector, String semanticId, int generation,
                            String modelVersion, int codesPerPosition, long appendTs, boolean rebuild) {
        IndexChange change = base(docId, semanticId, generation, modelVersion, codesPerPosition, appendTs);
        change.add = true;
        change.emitAssignment = true;
        change.op = DocumentOp.UPSERT;
        change.title = title;
        change.rebuild = rebuild;
        if (floatVectors) {
            change.vector = vector;
        } else {
            quantizeInt8(vector, change);
        }
        return change;
    }

    private static IndexChange remove(String docId, String semanticId, int generation, String modelVersion,
                                      int codesPerPosition, long appendTs, boolean emitAssignment) {
        IndexChange change = base(docId, semanticId, generation, modelVersion, codesPerPosition, appendTs);
        change.add = false;
        change.emitAssignment = emitAssignment;
        change.op = DocumentOp.DELETE;
        return change;
    }

    private static IndexChange base(String docId, String semanticId, int generation, String modelVersion,
                                    int codesPerPosition, long appendTs) {
        IndexChange change = new IndexChange();
        change.docId = docId;
        change.semanticId = semanticId;
        change.generation = generation;
        change.modelVersion = modelVersion;
        change.codesPerPosition = codesPerPosition;
        change.appendTs = appendTs;
        return change;
    }

    /** Symmetric int8: {@code q = round(x / s)}, {@code s = max|x| / 127}. */
    static void quantizeInt8(float[] vector, IndexChange change) {
        float max = 0f;
        for (float x : vector) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0f ? 1f : max / 127f;
        byte[] q = new byte[vector.length];
        for (int i = 0; i < vector.length; i++) {
            q[i] = (byte) Math.round(vector[i] / scale);
        }
        change.vectorInt8 = q;
        change.vectorScale = scale;
    }

    @Override
    public void close() {
        if (openAssigners != null) {
            openAssigners.values().forEach(IdAssigner::close);
            openAssigners.clear();
        }
    }
}
