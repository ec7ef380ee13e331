package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the trainer keeps between rounds: new documents, held-back feedback, and a checkpoint form. */
class TrainerStateTest {

    static TrainerSettings settings(int everyDocuments, int maxRoundDocuments) {
        return new TrainerSettings("/tmp/registry", "m", ContinualOptions.defaults(), "lora", 4, 2,
                maxRoundDocuments, 100, 0, everyDocuments, 0, true, PublishGate.RECALL_AT_10, 0.01, 5, 10,
                StreamingRetrievalOptions.defaults(), 1);
    }

    private static ReplayDocument document(int i) {
        return new ReplayDocument("d" + i, "text " + i + ". second sentence of " + i + ".", SemanticId.of(i % 3, i % 2),
                new float[] {i, 1f, -i});
    }

    private static List<String> ids(List<ReplayDocument> documents) {
        return documents.stream().map(ReplayDocument::docId).toList();
    }

    @Test
    void noRoundBeforeAVersionIsServedThenTheNewDocumentsGoToTheRound() {
        TrainerState state = new TrainerState(settings(3, 10), 0);
        for (int i = 0; i < 3; i++) {
            state.addDocument(document(i));
        }
        assertFalse(state.due(1, false).isPresent(), "nothing served yet");
        state.setServingVersion(1);
        String reason = state.due(1, false).orElseThrow();
        TrainerState.RoundInput input = state.startRound(2, reason);
        assertEquals(1, input.servingVersion());
        assertEquals(List.of("d0", "d1", "d2"), ids(input.fresh()));
        assertEquals(0, state.freshDocuments());
        assertFalse(state.due(3, false).isPresent());
    }

    @Test
    void newDocumentsAreCappedToTheMostRecentAndADeleteDropsOne() {
        TrainerState state = new TrainerState(settings(100, 3), 0);
        for (int i = 0; i < 5; i++) {
            state.addDocument(document(i));
        }
        state.addDocument(document(2)); // a re-send moves to the newest end
        state.deleteDocument("d3");
        state.setServingVersion(1);
        assertEquals(List.of("d4", "d2"), ids(state.startRound(1, "test").fresh()));
    }

    @Test
    void feedbackIsSplitByQueryTextIntoTrainingAndHeldBack() {
        TrainerState state = new TrainerState(settings(100, 10), 0);
        for (int q = 0; q < 50; q++) {
            state.addFeedback(new FeedbackPair("query " + q, "d" + q));
            state.addFeedback(new FeedbackPair("query " + q, "d" + (q + 1)));
        }
        state.setServingVersion(1);
        TrainerState.RoundInput input = state.startRound(1, "test");
        assertEquals(100, input.training().size() + input.heldBack().size());
        assertTrue(input.heldBack().size() >= 6 && input.heldBack().size() <= 40, "about one query in five: "
                + input.heldBack().size());
        Set<String> trained = new HashSet<>();
        input.training().forEach(p -> trained.add(p.queryText()));
        input.heldBack().forEach(p -> assertFalse(trained.contains(p.queryText()), "a query is on one side only"));
    }

    @Test
    void aFailedRoundGivesItsDocumentsBackBehindNothingNewer() {
        TrainerState state = new TrainerState(settings(2, 10), 0);
        state.setServingVersion(1);
        state.addDocument(document(0));
        state.addDocument(document(1));
        TrainerState.RoundInput input = state.startRound(1, "test");
        state.addDocument(document(2));
        state.deleteDocument("d1");
        state.returnDocuments(input);
        assertEquals(List.of("d0", "d2"), ids(state.startRound(2, "test").fresh()));
    }

    @Test
    void checkpointDuringARoundRestoresItsDocumentsAndATrigger() {
        TrainerState state = new TrainerState(settings(3, 10), 0);
        state.setServingVersion(4);
        for (int i = 0; i < 3; i++) {
            state.addDocument(document(i));
        }
        state.addFeedback(new FeedbackPair("a query", "d1"));
        TrainerState.RoundInput running = state.startRound(5, "test");
        state.addDocument(document(7));
        byte[] bytes = state.toBytes(running);

        TrainerState restored = TrainerState.fromBytes(settings(3, 10), bytes, 100);
        assertEquals(4, restored.servingVersion());
        assertEquals(state.replayDocuments(), restored.replayDocuments());
        assertTrue(restored.due(101, false).isPresent(), "the interrupted round is due again");
        TrainerState.RoundInput again = restored.startRound(102, "restored");
        assertEquals(List.of("d0", "d1", "d2", "d7"), ids(again.fresh()));
        assertEquals(1, again.training().size() + again.heldBack().size());
        assertEquals(ids(state.startRound(6, "x").replay()), ids(again.replay()), "same replay buffer");
    }

    @Test
    void warmUpDocumentsFillTheReplayBufferButStartNoRound() {
        TrainerSettings base = settings(2, 10);
        TrainerSettings warm = new TrainerSettings(base.registry(), base.modelName(), base.round(), base.adapter(),
                base.replayReservoir(), base.replayWindow(), base.maxRoundDocuments(), base.maxFeedback(), 3,
                base.everyDocuments(), base.everyMillis(), base.onBalanceAlert(), base.gateMetric(),
                base.gateMargin(), base.heldBackEvery(), base.minGateQueries(), base.retrieval(),
                base.keyPrefixLength());
        TrainerState state = new TrainerState(warm, 0);
        state.setServingVersion(1);
        for (int i = 0; i < 4; i++) {
            state.addDocument(document(i));
        }
        assertEquals(4, state.replayDocuments());
        assertEquals(1, state.freshDocuments());
        assertFalse(state.due(1, false).isPresent(), "one new document after a warm-up of three");
        TrainerState restored = TrainerState.fromBytes(warm, state.toBytes(null), 2);
        restored.addDocument(document(4));
        assertEquals(List.of("d3", "d4"), ids(restored.startRound(3, restored.due(3, false).orElseThrow()).fresh()));
    }

    @Test
    void aGenerationSwitchRewritesHeldIdsHoldsRoundsOffAndThenMakesOneDue() {
        TrainerState state = new TrainerState(settings(100, 10), 0);
        state.setServingVersion(2);
        for (int i = 0; i < 4; i++) {
            state.addDocument(document(i));
        }
        TrainerState.RoundInput before = state.startRound(1, "test");
        assertEquals(0, before.idGeneration());
        state.addDocument(document(5)); // new during the round

        assertTrue(state.reassign("d0", SemanticId.of(9, 0), 1));
        assertTrue(state.reassign("d5", SemanticId.of(9, 5), 1));
        assertEquals(1, state.switchingTo());
        assertTrue(state.isStale(before));
        assertFalse(state.reassignmentDone(1, 0, 2), "one source of two");
        assertFalse(state.due(2, false).isPresent(), "no round on a mix of generations");
        assertTrue(state.reassign("d1", SemanticId.of(9, 1), 1));
        assertTrue(state.reassignmentDone(1, 1, 2));
        assertEquals(1, state.idGeneration());
        assertEquals(0, state.switchingTo());
        assertTrue(state.isStale(before), "the running round trained on generation 0's IDs");
        assertFalse(state.reassign("d2", SemanticId.of(7, 7), 1), "generation 1 is held already");

        assertEquals("generation 1's IDs", state.due(3, false).orElseThrow());
        assertFalse(state.due(3, true).isPresent(), "one round at a time");
        state.returnDocuments(before); // say it failed: its documents come back with their new IDs
        TrainerState.RoundInput after = state.startRound(4, "generation 1's IDs");
        assertEquals(1, after.idGeneration());
        assertFalse(state.isStale(after));
        assertEquals(List.of("d0", "d1", "d2", "d3", "d5"), ids(after.fresh()));
        assertEquals(List.of(SemanticId.of(9, 0), SemanticId.of(9, 1), document(2).storedId(), document(3).storedId(),
                SemanticId.of(9, 5)), after.fresh().stream().map(ReplayDocument::storedId).toList());
        for (ReplayDocument replayed : after.replay()) {
            if (replayed.docId().equals("d0")) {
                assertEquals(SemanticId.of(9, 0), replayed.storedId(), "the replay buffer holds the new ID");
            }
        }
        assertFalse(state.due(5, false).isPresent(), "the round on the new IDs has started");
    }

    @Test
    void aSwitchAndItsDueRoundSurviveACheckpointAndTheRunningRoundsDocumentsAreReassigned() {
        TrainerState state = new TrainerState(settings(100, 10), 0);
        state.setServingVersion(2);
        for (int i = 0; i < 3; i++) {
            state.addDocument(document(i));
        }
        TrainerState.RoundInput running = state.startRound(1, "test");
        state.reassign("d1", SemanticId.of(8, 1), 3);
        state.reassignmentDone(3, 0, 2);

        TrainerState mid = TrainerState.fromBytes(settings(100, 10), state.toBytes(running), 10);
        assertEquals(3, mid.switchingTo());
        assertFalse(mid.due(11, false).isPresent(), "still switching after the restore");
        assertFalse(mid.reassignmentDone(3, 0, 2), "a source is counted once");
        assertTrue(mid.reassignmentDone(3, 1, 2));
        TrainerState done = TrainerState.fromBytes(settings(100, 10), mid.toBytes(null), 20);
        assertEquals(3, done.idGeneration());
        assertEquals("generation 3's IDs", done.due(21, false).orElseThrow());
        TrainerState.RoundInput again = done.startRound(22, "restored");
        assertEquals(List.of("d0", "d1", "d2"), ids(again.fresh()));
        assertEquals(SemanticId.of(8, 1), again.fresh().get(1).storedId(), "re-assigned while the round ran");
        assertEquals(3, again.idGeneration());
    }

    @Test
    void readsTheFormatBeforeGenerations() {
        TrainerState state = new TrainerState(settings(100, 10), 0);
        state.setServingVersion(3);
        state.addDocument(document(1));
        byte[] current = state.toBytes(null);
        int trailer = 4 + 4 + 4 + 4 + 1; // generation, switching to, sources, sources done (none), round due
        byte[] format2 = java.util.Arrays.copyOf(current, current.length - trailer);
        int formatAt = 2 + "dsi-trainer-state".length();
        assertEquals(3, format2[formatAt + 3], "the current format");
        format2[formatAt + 3] = 2;
        TrainerState restored = TrainerState.fromBytes(settings(100, 10), format2, 1);
        assertEquals(3, restored.servingVersion());
        assertEquals(0, restored.idGeneration());
        assertEquals(List.of("d1"), ids(restored.startRound(2, "test").fresh()));
    }

    @Test
    void rejectsBytesThatAreNotATrainerState() {
        assertThrows(IllegalArgumentException.class,
                () -> TrainerState.fromBytes(settings(1, 1), new byte[] {1, 2, 3}, 0));
    }
}
