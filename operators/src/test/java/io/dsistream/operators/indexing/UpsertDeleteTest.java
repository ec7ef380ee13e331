package io.dsistream.operators.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.GenerationProgress;
import io.dsistream.schemas.indexing.GenerationState;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.dsistream.operators.indexing.IndexRequests.delete;
import static io.dsistream.operators.indexing.IndexRequests.upsert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpsertDeleteTest {

    private static final String MODEL = "test";

    private static KeyedBroadcastOperatorTestHarness<String, IndexRequest, ModelUpdateRecord, IndexChange> harness(
            UpsertDelete function) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function, r -> r.docId, Types.STRING,
                UpsertDelete.GENERATIONS);
    }

    private static KeyedBroadcastOperatorTestHarness<String, IndexRequest, ModelUpdateRecord, IndexChange> harness()
            throws Exception {
        return harness(new UpsertDelete(false));
    }

    private static KeyedBroadcastOperatorTestHarness<String, IndexRequest, ModelUpdateRecord, IndexChange>
            generationsHarness() throws Exception {
        return harness(new UpsertDelete(false).withGenerations(new VersionedAssigners()));
    }

    private static int stateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /** {@code +d1@1.2.3!} (add, emits an assignment), with {@code g1} for generation 1 and {@code R} for a rebuild. */
    private static List<String> changes(List<IndexChange> changes) {
        return changes.stream().map(c -> (c.add ? "+" : "-") + c.docId + "@" + c.semanticId
                        + (c.generation == 0 ? "" : " g" + c.generation) + (c.rebuild ? " R" : "")
                        + (c.emitAssignment ? "!" : ""))
                .collect(Collectors.toList());
    }

    private static List<String> drain(KeyedBroadcastOperatorTestHarness<?, ?, ?, IndexChange> h) {
        List<String> out = changes(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    /** An upsert assigned by {@code version} whose embedding's last component is {@code x}. */
    private static IndexRequest upsertBy(String id, int version, float x, int... codes) {
        IndexRequest r = upsert(id, "text of " + id, codes);
        r.modelVersion = MODEL + "/v" + version;
        r.embedding = new float[] {0.6f, -0.8f, x};
        return r;
    }

    private static ModelUpdateRecord event(int version, int generation, GenerationStage stage) {
        return new ModelUpdateRecord(MODEL, version, generation, stage);
    }

    @Test
    void upsertReplaceNoOpAndDeleteBecomeTrieChangesAndDeleteLeavesNoState() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(upsert("d1", "alpha", 1, 2, 3)));
            h.processElement(new StreamRecord<>(upsert("d1", "alpha", 1, 2, 3)));   // unchanged re-send: no-op
            h.processElement(new StreamRecord<>(upsert("d1", "beta", 0, 0, 1)));    // changed: moves leaf
            h.processElement(new StreamRecord<>(upsert("d2", "gamma", 1, 2, 3)));
            assertEquals(2, stateEntries(h));
            h.processElement(new StreamRecord<>(delete("d1")));
            assertEquals(List.of("+d1@1.2.3!", "-d1@1.2.3", "+d1@0.0.1!", "+d2@1.2.3!", "-d1@0.0.1!"),
                    changes(h.extractOutputValues()));
            IndexChange last = h.extractOutputValues().get(4);
            assertEquals(DocumentOp.DELETE, last.op);
            assertEquals(1, stateEntries(h)); // only d2's entry is left
            h.processElement(new StreamRecord<>(delete("d2")));
            assertEquals(0, stateEntries(h));
            assertEquals(0, h.numProcessingTimeTimers());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void deleteOfAnUnknownIdIsADeadLetterWithItsReason() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(delete("ghost")));
            assertEquals(List.of(), h.extractOutputValues());
            List<DeadLetterRecord> letters = h.getSideOutput(DeadLetters.TAG).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(1, letters.size());
            assertEquals(RejectReason.DELETE_OF_UNKNOWN_ID, letters.get(0).reason);
            assertEquals("{\"id\":\"ghost\",\"op\":\"delete\"}", letters.get(0).raw);
            assertEquals(0, stateEntries(h));
        }
    }

    @Test
    void aGenerationIsBuiltBesideTheCurrentOneSwitchedToAndTheOldOneDropped() throws Exception {
        try (var h = generationsHarness()) {
            h.processElement(new StreamRecord<>(upsertBy("d1", 1, 1, 1, 2, 3)));
            h.processElement(new StreamRecord<>(upsertBy("d2", 1, 2, 0, 0, 1)));
            drain(h);

            // build: every document re-assigned by v2 into generation 1, the count reported
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD)));
            assertEquals(Set.of("+d1@2.1.0 g1 R!", "+d2@2.2.0 g1 R!"), Set.copyOf(drain(h)));
            List<GenerationProgress> reports = h.getSideOutput(GenerationCoordinator.PROGRESS).stream()
                    .map(StreamRecord::getValue).toList();
            assertEquals(1, reports.size());
            assertEquals(GenerationProgress.Kind.REASSIGNED, reports.get(0).kind);
            assertEquals(1, reports.get(0).generation);
            assertEquals(2, reports.get(0).version);
            assertEquals(2, reports.get(0).count);
            assertEquals(1, reports.get(0).subtasks);

            // during the build: upserts and deletes reach both generations
            h.processElement(new StreamRecord<>(upsertBy("d3", 1, 3, 3, 3, 3)));
            h.processElement(new StreamRecord<>(delete("d1")));
            h.processElement(new StreamRecord<>(upsertBy("d2", 1, 2, 0, 0, 1))); // unchanged: no-op in both
            assertEquals(List.of("+d3@3.3.3!", "+d3@2.3.0 g1!", "-d1@1.2.3!", "-d1@2.1.0 g1"), drain(h));

            // ready: generation 1 is current; a document assigned by v1 before the switch is re-assigned by v2, one
            // assigned by v2 keeps its own ID; generation 0 is not written any more
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.READY)));
            assertEquals(List.of(), drain(h));
            GenerationState state = h.getBroadcastState(UpsertDelete.GENERATIONS).get("generations");
            assertEquals(1, state.current);
            assertEquals(2, state.currentVersion);
            assertTrue(state.dropPending);
            h.processElement(new StreamRecord<>(upsertBy("d4", 1, 4, 1, 1, 1)));
            h.processElement(new StreamRecord<>(upsertBy("d5", 2, 5, 7, 7, 7)));
            assertEquals(List.of("+d4@2.4.0 g1!", "+d5@7.7.7 g1!"), drain(h));

            // drop: every leaf of generation 0 is removed, silently
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.DROP)));
            assertEquals(Set.of("-d2@0.0.1", "-d3@3.3.3"), Set.copyOf(drain(h)));
            assertEquals(4, stateEntries(h), "d2, d3, d4 and d5");
            h.processElement(new StreamRecord<>(delete("d2")));
            assertEquals(List.of("-d2@2.2.0 g1!"), drain(h));
            assertEquals(3, stateEntries(h));
        }
    }

    @Test
    void eventsThatDoNotFitTheGenerationsHeldAreIgnored() throws Exception {
        try (var h = generationsHarness(); var off = harness()) {
            h.processElement(new StreamRecord<>(upsertBy("d1", 1, 1, 1, 2, 3)));
            off.processElement(new StreamRecord<>(upsertBy("d1", 1, 1, 1, 2, 3)));
            drain(h);
            drain(off);
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.READY))); // nothing builds
            h.processBroadcastElement(new StreamRecord<>(event(2, 2, GenerationStage.BUILD))); // skips generation 1
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.DROP)));  // nothing to drop
            h.processBroadcastElement(new StreamRecord<>(new ModelUpdateRecord(MODEL, 2)));    // a plain swap
            off.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD))); // not enabled
            assertEquals(List.of(), drain(h));
            assertEquals(List.of(), drain(off));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD)));
            h.processBroadcastElement(new StreamRecord<>(event(3, 1, GenerationStage.BUILD))); // one build at a time
            assertEquals(List.of("+d1@2.1.0 g1 R!"), drain(h));
        }
    }

    @Test
    void aBuildInProgressSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = generationsHarness()) {
            h.processElement(new StreamRecord<>(upsertBy("d1", 1, 1, 1, 2, 3)));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD)));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = new KeyedBroadcastOperatorTestHarness<String, IndexRequest, ModelUpdateRecord, IndexChange>(
                new CoBroadcastWithKeyedOperator<>(new UpsertDelete(false).withGenerations(new VersionedAssigners()),
                        List.of(UpsertDelete.GENERATIONS)), r -> r.docId, Types.STRING, 1, 1, 0)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(upsertBy("d2", 1, 2, 0, 0, 1)));
            assertEquals(List.of("+d2@0.0.1!", "+d2@2.2.0 g1!"), drain(h));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.READY)));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.DROP)));
            assertEquals(Set.of("-d1@1.2.3", "-d2@0.0.1"), Set.copyOf(drain(h)));
        }
    }

    /** {@code DOCUMENT d1 1.2.3}, {@code REASSIGNED d1 2.1.0 g1}, {@code REASSIGNED_ALL g1 0/1}, {@code DELETE d1}. */
    private static List<String> trainingEvents(KeyedBroadcastOperatorTestHarness<?, ?, ?, IndexChange> h) {
        if (h.getSideOutput(UpsertDelete.TRAINING) == null) {
            return List.of(); // nothing was ever sent there
        }
        List<String> out = h.getSideOutput(UpsertDelete.TRAINING).stream().map(StreamRecord::getValue)
                .map(e -> e.kind + switch (e.kind) {
                    case DOCUMENT -> " " + e.docId + " " + AssignmentRecord.formatSemanticId(e.codes);
                    case REASSIGNED -> " " + e.docId + " " + AssignmentRecord.formatSemanticId(e.codes) + " g"
                            + e.generation;
                    case REASSIGNED_ALL -> " g" + e.generation + " " + e.subtask + "/" + e.subtasks;
                    default -> " " + e.docId;
                }).toList();
        h.getSideOutput(UpsertDelete.TRAINING).clear();
        return out;
    }

    private static IndexRequest withText(IndexRequest request) {
        request.text = "body of " + request.docId;
        return request;
    }

    @Test
    void theTrainerHearsEveryDocumentsIdInTheNewGenerationWhenItBecomesTheOneRead() throws Exception {
        try (var h = harness(new UpsertDelete(false).withGenerations(new VersionedAssigners()).withTrainingEvents())) {
            h.processElement(new StreamRecord<>(withText(upsertBy("d1", 1, 1, 1, 2, 3))));
            h.processElement(new StreamRecord<>(withText(upsertBy("d2", 1, 2, 0, 0, 1))));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD)));
            h.processElement(new StreamRecord<>(withText(upsertBy("d3", 1, 3, 3, 3, 3)))); // during the build
            h.processElement(new StreamRecord<>(delete("d2")));
            assertEquals(List.of("DOCUMENT d1 1.2.3", "DOCUMENT d2 0.0.1", "DOCUMENT d3 3.3.3", "DELETE d2"),
                    trainingEvents(h), "the build itself tells the trainer nothing: queries still read generation 0");

            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.READY)));
            List<String> switched = trainingEvents(h);
            assertEquals(Set.of("REASSIGNED d1 2.1.0 g1", "REASSIGNED d3 2.3.0 g1"),
                    Set.copyOf(switched.subList(0, 2)));
            assertEquals(List.of("REASSIGNED_ALL g1 0/1"), switched.subList(2, switched.size()), "then the end");

            // after the switch a document assigned by v1 is indexed, and trained, under its generation-1 ID
            h.processElement(new StreamRecord<>(withText(upsertBy("d4", 1, 4, 1, 1, 1))));
            assertEquals(List.of("DOCUMENT d4 2.4.0"), trainingEvents(h));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.DROP)));
            assertEquals(List.of(), trainingEvents(h), "the drop changes no ID the trainer holds");
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    @Test
    void withoutTrainingEventsASwitchSendsNothing() throws Exception {
        try (var h = generationsHarness()) {
            h.processElement(new StreamRecord<>(withText(upsertBy("d1", 1, 1, 1, 2, 3))));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.BUILD)));
            h.processBroadcastElement(new StreamRecord<>(event(2, 1, GenerationStage.READY)));
            assertEquals(List.of(), trainingEvents(h));
        }
    }

    @Test
    void int8FeaturesKeepTheVectorToWithinHalfAScaleStep() {
        IndexChange change = new IndexChange();
        UpsertDelete.quantizeInt8(new float[] {0.6f, -0.8f, 0f}, change);
        // scale = 0.8 / 127; 0.6 / scale = 95.25 -> 95; -0.8 -> -127
        assertArrayEquals(new byte[] {95, -127, 0}, change.vectorInt8);
        assertEquals(0.8f / 127f, change.vectorScale, 1e-9f);
    }
}
