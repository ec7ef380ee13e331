package io.dsistream.operators.training;

import ai.djl.Device;
import io.dsistream.models.continual.ContinualOptions;
import io.dsistream.models.continual.GenerationTrigger;
import io.dsistream.models.continual.PublishGate;
import io.dsistream.models.continual.TrainerSettings;
import io.dsistream.models.continual.TrainerState;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.operators.indexing.DeadLetters;
import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.indexing.SourceDocument;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What reaches the trainer: parsed feedback (bad records dead-lettered), balance alerts, a new generation's IDs, and
 * the GPU it picks.
 */
class TrainerInputsTest {

    private static SourceDocument feedback(long offset, String json) {
        return new SourceDocument("feedback", 0, offset, 1000L, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void feedbackRecordsBecomeTrainerEventsAndBadOnesDeadLetters() throws Exception {
        try (OneInputStreamOperatorTestHarness<SourceDocument, TrainerEvent> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ParseFeedback())) {
            h.processElement(new StreamRecord<>(feedback(0, "{\"queryText\":\"what causes scurvy\",\"docId\":\"d7\"}")));
            h.processElement(new StreamRecord<>(feedback(1, "{\"queryText\":\"q\",\"docId\":\"d8\",\"label\":0}")));
            h.processElement(new StreamRecord<>(feedback(2, "{\"queryText\":\"no document\"}")));
            h.processElement(new StreamRecord<>(feedback(3, "{\"queryText\":\"q\",\"docId\":\"d9\",\"clicks\":3}")));
            h.processElement(new StreamRecord<>(feedback(4, "{not json")));
            List<TrainerEvent> events = h.extractOutputValues();
            assertEquals(2, events.size());
            assertEquals(TrainerEvent.Kind.FEEDBACK, events.get(0).kind);
            assertEquals("what causes scurvy", events.get(0).queryText);
            assertEquals("d7", events.get(0).docId);
            assertEquals(1f, events.get(0).label);
            assertEquals(0f, events.get(1).label, "an explicit 0 reaches the trainer, which skips it");
            List<DeadLetterRecord> letters = new ArrayList<>();
            h.getSideOutput(DeadLetters.TAG).forEach(r -> letters.add(r.getValue()));
            assertEquals(List.of(2L, 3L, 4L), letters.stream().map(l -> l.offset).toList());
            letters.forEach(l -> assertEquals("feedback", l.sourceTopic));
        }
    }

    @Test
    void aPublishedVersionIsABuildOfTheNextGenerationOnlyWhenTheTriggerFiresAndNoBuildRuns() {
        GenerationTrigger trigger = new GenerationTrigger(0.2, true);
        assertEquals(new ModelUpdateRecord("m", 3), Trainer.announcement("m", 3, 0.1, false, trigger, 1, 1));
        assertEquals(new ModelUpdateRecord("m", 3, 2, GenerationStage.BUILD),
                Trainer.announcement("m", 3, 0.3, false, trigger, 1, 1));
        assertEquals(new ModelUpdateRecord("m", 3, 2, GenerationStage.BUILD),
                Trainer.announcement("m", 3, 0.0, true, trigger, 1, 0), "a balance alert, when configured");
        assertEquals(new ModelUpdateRecord("m", 3), Trainer.announcement("m", 3, 0.9, true, trigger, 1, 2),
                "generation 2 still builds");
        assertEquals(new ModelUpdateRecord("m", 3), Trainer.announcement("m", 3, 0.9, true, null, 0, 0),
                "generations off in the job");
    }

    private static TrainerSettings settings() {
        return new TrainerSettings("/tmp/registry", "m", ContinualOptions.defaults(), "lora", 4, 4, 10, 100, 0, 100, 0,
                false, PublishGate.RECALL_AT_10, 0.01, 5, 10, StreamingRetrievalOptions.defaults(), 1);
    }

    private static TrainerEvent document(String docId, int... codes) {
        return TrainerEvent.document(docId, "text of " + docId, codes, new float[] {1f, 0f});
    }

    @Test
    void aSwitchsIdsReachTheStateAndTheRoundAfterItTrainsOnThem() {
        TrainerState state = new TrainerState(settings(), 0);
        state.setServingVersion(2);
        Trainer.apply(state, document("d1", 1, 2));
        Trainer.apply(state, document("d2", 0, 1));
        Trainer.apply(state, document("d3", 3, 3));
        Trainer.apply(state, TrainerEvent.deleted("d3"));
        TrainerState.RoundInput running = state.startRound(1, "test"); // runs across the switch

        // two upsert/delete subtasks, their events interleaved on the way to the trainer
        assertFalse(Trainer.apply(state, TrainerEvent.reassigned("d1", new int[] {2, 1}, 1)));
        assertFalse(Trainer.apply(state, TrainerEvent.reassignedAll(1, 1, 2)));
        assertFalse(state.due(2, false).isPresent(), "subtask 0 has not ended: no round on a mix of IDs");
        assertFalse(Trainer.apply(state, TrainerEvent.reassigned("d2", new int[] {2, 2}, 1)));
        Trainer.apply(state, document("d4", 2, 4)); // indexed after the switch, under its new ID
        assertTrue(Trainer.apply(state, TrainerEvent.reassignedAll(1, 0, 2)), "the last end completes the switch");
        assertEquals(1, state.idGeneration());
        assertTrue(state.isStale(running), "the round that ran across it trained on generation 0's IDs");

        byte[] checkpoint = state.toBytes(running);
        TrainerState restored = TrainerState.fromBytes(settings(), checkpoint, 3);
        for (TrainerState s : List.of(state, restored)) {
            if (s == state) {
                s.returnDocuments(running); // it failed: its documents come back with their new IDs
            }
            assertEquals("generation 1's IDs", s.due(4, false).orElseThrow());
            TrainerState.RoundInput next = s.startRound(5, "generation 1's IDs");
            assertEquals(1, next.idGeneration());
            assertEquals(List.of("d1 2.1", "d2 2.2", "d4 2.4"), next.fresh().stream()
                    .map(d -> d.docId() + " " + d.storedId()).toList());
            assertEquals(List.of("d1 2.1", "d2 2.2", "d4 2.4"), next.replay().stream()
                    .map(d -> d.docId() + " " + d.storedId()).sorted().toList());
        }
    }

    @Test
    void aRoundTheSwitchOvertookIsAnnouncedAsAPlainSwapAndTheNextRoundIsDueAtOnce() {
        TrainerState state = new TrainerState(settings(), 0);
        state.setServingVersion(2);
        Trainer.apply(state, document("d1", 1, 2));
        TrainerState.RoundInput running = state.startRound(1, "test");
        assertFalse(state.isStale(running));
        Trainer.apply(state, TrainerEvent.reassignedAll(1, 0, 1)); // a subtask with nothing to re-assign
        assertTrue(state.isStale(running));
        assertFalse(state.due(2, true).isPresent(), "the stale round is still running");
        assertTrue(state.due(3, false).isPresent(), "due as soon as it ends");
    }

    @Test
    void onlyAlertReportsBecomeBalanceTriggers() throws Exception {
        List<TrainerEvent> out = new ArrayList<>();
        Collector<TrainerEvent> collector = new Collector<>() {
            @Override
            public void collect(TrainerEvent event) {
                out.add(event);
            }

            @Override
            public void close() {
            }
        };
        HealthAlerts alerts = new HealthAlerts();
        alerts.flatMap("{\"ts\":1,\"status\":\"ok\",\"reasons\":[],\"balance\":{}}", collector);
        alerts.flatMap("{\"ts\":2,\"status\":\"warn\",\"reasons\":[\"gini 0.6 > 0.5\"],\"balance\":{}}", collector);
        alerts.flatMap("{\"ts\":3,\"status\":\"alert\",\"reasons\":[\"normalized_entropy 0.5 < 0.6\"]}", collector);
        assertEquals(1, out.size());
        assertEquals(TrainerEvent.Kind.BALANCE_ALERT, out.get(0).kind);
        assertTrue(out.get(0).reason.contains("normalized_entropy"), out.get(0).reason);
    }

    private static ExternalResourceInfo gpu(String index) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return "index".equals(key) ? Optional.ofNullable(index) : Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return index == null ? List.of() : List.of("index");
            }
        };
    }

    @Test
    void theTrainerTrainsOnTheGpuItsTaskManagerOffersOrOnTheCpu() {
        assertNull(Trainer.chooseDevice(Set.of()), "no gpu resource: the CPU");
        assertEquals(Device.gpu(1), Trainer.chooseDevice(Set.of(gpu("1"))));
        assertNull(Trainer.chooseDevice(Set.of(gpu("not-a-number"))), "a bad index is ignored");
        assertNull(Trainer.chooseDevice(Set.of(gpu(null))));
    }
}
