package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reservoir plus window: deterministic, uniform, upserts and deletes, and a snapshot that continues exactly. */
class ReplayBufferTest {

    static ReplayDocument document(int i) {
        return new ReplayDocument("d" + i, "text of document " + i, SemanticId.of(i % 4, i % 3),
                new float[] {i, 1f});
    }

    private static List<String> ids(List<ReplayDocument> documents) {
        return documents.stream().map(ReplayDocument::docId).toList();
    }

    @Test
    void keepsEverythingUntilFullThenTheWindowHoldsTheNewest() {
        ReplayBuffer buffer = new ReplayBuffer(3, 2, 1L);
        for (int i = 0; i < 3; i++) {
            buffer.add(document(i));
        }
        assertEquals(List.of("d0", "d1", "d2"), ids(buffer.reservoir()));
        assertEquals(List.of("d1", "d2"), ids(buffer.window()));
        assertEquals(List.of("d0", "d1", "d2"), ids(buffer.sample()), "each document once");
        for (int i = 3; i < 10; i++) {
            buffer.add(document(i));
        }
        assertEquals(10, buffer.seen());
        assertEquals(3, buffer.reservoir().size());
        assertEquals(List.of("d8", "d9"), ids(buffer.window()));
        assertTrue(ids(buffer.sample()).containsAll(List.of("d8", "d9")));
    }

    @Test
    void sameSeedSameSampleOtherSeedAnotherOne() {
        ReplayBuffer a = new ReplayBuffer(5, 0, 42L);
        ReplayBuffer b = new ReplayBuffer(5, 0, 42L);
        ReplayBuffer c = new ReplayBuffer(5, 0, 43L);
        for (int i = 0; i < 200; i++) {
            a.add(document(i));
            b.add(document(i));
            c.add(document(i));
        }
        assertEquals(ids(a.sample()), ids(b.sample()));
        assertNotEquals(ids(a.sample()), ids(c.sample()));
    }

    @Test
    void everyDocumentIsSampledWithProbabilityCapacityOverSeen() {
        // algorithm R: after n = 20 distinct documents each is in a reservoir of 5 with probability 5/20 = 0.25
        int trials = 4000;
        int[] hits = new int[20];
        for (int seed = 0; seed < trials; seed++) {
            ReplayBuffer buffer = new ReplayBuffer(5, 0, seed);
            for (int i = 0; i < 20; i++) {
                buffer.add(document(i));
            }
            for (ReplayDocument held : buffer.reservoir()) {
                hits[Integer.parseInt(held.docId().substring(1))]++;
            }
        }
        for (int i = 0; i < 20; i++) {
            double share = (double) hits[i] / trials;
            // standard deviation sqrt(0.25 · 0.75 / 4000) ≈ 0.0068: 0.03 is over four of them
            assertEquals(0.25, share, 0.03, "document d" + i);
        }
    }

    @Test
    void anUpsertReplacesInPlaceAndADeleteRemoves() {
        ReplayBuffer buffer = new ReplayBuffer(4, 2, 7L);
        for (int i = 0; i < 4; i++) {
            buffer.add(document(i));
        }
        ReplayDocument updated = new ReplayDocument("d1", "new text", SemanticId.of(3, 3), new float[] {9f, 9f});
        buffer.add(updated);
        assertEquals(4, buffer.seen(), "a re-added document is not a new one");
        assertEquals(updated, buffer.reservoir().get(1));
        assertEquals(List.of("d3", "d1"), ids(buffer.window()));

        assertTrue(buffer.updateStoredId("d3", SemanticId.of(0, 0)));
        assertEquals(SemanticId.of(0, 0), buffer.window().get(0).storedId());
        assertFalse(buffer.updateStoredId("nope", SemanticId.of(0, 0)));

        assertEquals(SemanticId.of(0, 0), buffer.reservoir().get(3).storedId());
        assertEquals(List.of("d0", "d1", "d2", "d3"), ids(buffer.reservoir()), "an ID update moves nothing");
        assertEquals(List.of("d3", "d1"), ids(buffer.window()));
        assertEquals(4, buffer.seen(), "nor counts as an addition");

        buffer.remove("d1");
        assertEquals(List.of("d0", "d3", "d2"), ids(buffer.reservoir()), "the last slot moved into the hole");
        assertEquals(List.of("d3"), ids(buffer.window()));
        buffer.add(document(9));
        assertTrue(ids(buffer.reservoir()).contains("d9"), "a free slot is filled by the next document");
    }

    @Test
    void aRestoredSnapshotContinuesExactlyAsTheOriginal() {
        ReplayBuffer original = new ReplayBuffer(6, 3, 11L);
        for (int i = 0; i < 50; i++) {
            original.add(document(i));
        }
        ReplayBufferSnapshot snapshot = original.snapshot();
        ReplayBuffer restored = ReplayBuffer.restore(ReplayBufferSnapshot.fromBytes(snapshot.toBytes()));
        assertEquals(snapshot, restored.snapshot());
        for (int i = 50; i < 120; i++) {
            original.add(document(i));
            restored.add(document(i));
        }
        assertEquals(original.sample(), restored.sample());
        assertEquals(original.snapshot(), restored.snapshot());
        assertEquals(120, restored.seen());
    }

    @Test
    void reassignedIdsSurviveASnapshotAndLeaveTheDrawsAsTheyWere() {
        ReplayBuffer updated = new ReplayBuffer(6, 3, 11L);
        ReplayBuffer untouched = new ReplayBuffer(6, 3, 11L);
        for (int i = 0; i < 50; i++) {
            updated.add(document(i));
            untouched.add(document(i));
        }
        for (ReplayDocument held : updated.sample()) {
            assertTrue(updated.updateStoredId(held.docId(), SemanticId.of(7, 7)));
        }
        ReplayBuffer restored = ReplayBuffer.restore(ReplayBufferSnapshot.fromBytes(updated.snapshot().toBytes()));
        restored.sample().forEach(d -> assertEquals(SemanticId.of(7, 7), d.storedId(), d.docId()));
        for (int i = 50; i < 120; i++) {
            restored.add(document(i));
            untouched.add(document(i));
        }
        assertEquals(ids(untouched.reservoir()), ids(restored.reservoir()), "same draws as without the update");
        assertEquals(ids(untouched.window()), ids(restored.window()));
    }

    @Test
    void corruptSnapshotsAndBadDocumentsAreNamed() {
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class,
                () -> ReplayBufferSnapshot.fromBytes(new byte[] {0, 3, 'a', 'b', 'c'}));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        byte[] bytes = new ReplayBuffer(2, 2, 1L).snapshot().toBytes();
        assertThrows(IllegalArgumentException.class,
                () -> ReplayBufferSnapshot.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 3)));
        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
                () -> new ReplayDocument("d1", "t", null, new float[0]));
        assertTrue(vector.getMessage().contains("'vector'"), vector.getMessage());
    }
}
