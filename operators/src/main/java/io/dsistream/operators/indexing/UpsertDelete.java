package io.dsistream.operators.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.DocumentEntry;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by document id: turns upserts and deletes into trie changes. A new document is added to its leaf; a changed
 * re-send leaves its old leaf and joins its new one; an unchanged re-send (same content hash, same ID) is a no-op;
 * a delete leaves the leaf and clears the document's state; a delete of an id the index does not hold is a dead
 * letter ({@link RejectReason#DELETE_OF_UNKNOWN_ID}). State: one {@link DocumentEntry} per indexed document, none
 * for deleted ones; no timers.
 */
public class UpsertDelete extends KeyedProcessFunction<String, IndexRequest, IndexChange> {

    private static final long serialVersionUID = 1L;

    /** With {@link #withTrainingEvents()}: every document indexed (text, ID, vector) and every delete, for the trainer. */
    public static final OutputTag<TrainerEvent> TRAINING = new OutputTag<>("training-documents",
            TypeInformation.of(TrainerEvent.class));

    private final boolean floatVectors;
    private boolean trainingEvents;
    private transient ValueState<DocumentEntry> entry;
    private transient DeadLetters deadLetters;
    private transient Counter noOps;
    private transient Counter replaced;
    private transient Counter deleted;

    /** @param floatVectors keep rerank vectors as floats; false quantises them to int8 with one scale (4× smaller) */
    public UpsertDelete(boolean floatVectors) {
        this.floatVectors = floatVectors;
    }

    /** Also emits {@link #TRAINING}; the documents must keep their text ({@link AsyncEncode#withKeptText()}). */
    public UpsertDelete withTrainingEvents() {
        trainingEvents = true;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        entry = getRuntimeContext().getState(new ValueStateDescriptor<>("document-entry",
                TypeInformation.of(DocumentEntry.class)));
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
        noOps = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.NO_OPS);
        replaced = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.REPLACED);
        deleted = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.DELETED);
    }

    @Override
    public void processElement(IndexRequest request, Context ctx, Collector<IndexChange> out) throws Exception {
        DocumentEntry current = entry.value();
        if (request.op == DocumentOp.DELETE) {
            if (current == null) {
                deadLetters.count(RejectReason.DELETE_OF_UNKNOWN_ID);
                ctx.output(DeadLetters.TAG, DeadLetters.of(request, RejectReason.DELETE_OF_UNKNOWN_ID,
                        "delete of id '" + request.docId + "', which the index does not hold",
                        System.currentTimeMillis()));
                return;
            }
            out.collect(remove(request, current.semanticId, true));
            entry.clear();
            deleted.inc();
            if (trainingEvents) {
                ctx.output(TRAINING, TrainerEvent.deleted(request.docId));
            }
            return;
        }
        String semanticId = AssignmentRecord.formatSemanticId(request.codes);
        if (current != null) {
            if (current.contentHash == request.contentHash && current.semanticId.equals(semanticId)) {
                noOps.inc();
                return;
            }
            out.collect(remove(request, current.semanticId, false));
            replaced.inc();
        }
        out.collect(add(request, semanticId));
        entry.update(new DocumentEntry(semanticId, request.contentHash, request.modelVersion));
        if (trainingEvents && request.text != null) {
            ctx.output(TRAINING, TrainerEvent.document(request.docId, AsyncEncode.encoderInput(request), request.codes,
                    request.embedding));
        }
    }

    private IndexChange add(IndexRequest request, String semanticId) {
        IndexChange change = base(request, semanticId);
        change.add = true;
        change.emitAssignment = true;
        change.op = DocumentOp.UPSERT;
        change.title = request.title;
        if (floatVectors) {
            change.vector = request.embedding;
        } else {
            quantizeInt8(request.embedding, change);
        }
        return change;
    }

    private static IndexChange remove(IndexRequest request, String semanticId, boolean emitAssignment) {
        IndexChange change = base(request, semanticId);
        change.add = false;
        change.emitAssignment = emitAssignment;
        change.op = DocumentOp.DELETE;
        return change;
    }

    private static IndexChange base(IndexRequest request, String semanticId) {
        IndexChange change = new IndexChange();
        change.docId = request.docId;
        change.semanticId = semanticId;
        change.modelVersion = request.modelVersion;
        change.codesPerPosition = request.codesPerPosition;
        change.appendTs = request.appendTs;
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
}
