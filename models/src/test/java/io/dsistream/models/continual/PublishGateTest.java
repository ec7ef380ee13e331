package io.dsistream.models.continual;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.Retriever;
import io.dsistream.models.eval.ScoredDoc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate on fixed rankings whose Recall@10 and nDCG@10 are computed by hand. */
class PublishGateTest {

    /** Answers each query with a fixed list of documents, best first. */
    private static Retriever fixed(Map<String, List<String>> answers) {
        return (query, k) -> {
            List<ScoredDoc> docs = new ArrayList<>();
            List<String> ids = answers.getOrDefault(query, List.of());
            for (int i = 0; i < ids.size(); i++) {
                docs.add(new ScoredDoc(ids.get(i), 10f - i));
            }
            return new Ranking(docs, docs.size());
        };
    }

    private static final List<FeedbackPair> HELD_BACK = List.of(new FeedbackPair("q1", "a"),
            new FeedbackPair("q1", "b"), new FeedbackPair("q2", "c"));

    // q1 relevant {a, b}; q2 relevant {c}
    private static final Retriever CURRENT = fixed(Map.of("q1", List.of("a", "x", "b"), "q2", List.of("c")));
    private static final Retriever WORSE = fixed(Map.of("q1", List.of("x", "a"), "q2", List.of("y")));

    @Test
    void scoresAreMeansOverHeldBackQueries() {
        GateScores current = PublishGate.score(CURRENT, HELD_BACK);
        assertEquals(2, current.queries());
        assertEquals(1.0, current.recallAt10(), 1e-12);
        // q1: DCG = 1 + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3); q2: 1
        double q1 = 1.5 / (1 + 1 / (Math.log(3) / Math.log(2)));
        assertEquals((q1 + 1.0) / 2, current.ndcgAt10(), 1e-12);

        GateScores worse = PublishGate.score(WORSE, HELD_BACK);
        assertEquals((0.5 + 0.0) / 2, worse.recallAt10(), 1e-12);
        double worseQ1 = (1 / (Math.log(3) / Math.log(2))) / (1 + 1 / (Math.log(3) / Math.log(2)));
        assertEquals(worseQ1 / 2, worse.ndcgAt10(), 1e-12);
    }

    @Test
    void aCandidateWorseByMoreThanTheMarginIsNotPublished() {
        GateDecision decision = new PublishGate(PublishGate.RECALL_AT_10, 0.02).decide(CURRENT, WORSE, HELD_BACK);
        assertFalse(decision.publish(), decision.reason());
        assertEquals(1.0, decision.current().recallAt10(), 1e-12);
        assertEquals(0.25, decision.candidate().recallAt10(), 1e-12);
        assertTrue(decision.reason().contains("keep the current model"), decision.reason());
    }

    @Test
    void withinTheMarginOrBetterIsPublished() {
        PublishGate gate = new PublishGate(PublishGate.NDCG_AT_10, 0.01);
        assertTrue(gate.decide(WORSE, CURRENT, HELD_BACK).publish());
        assertTrue(gate.decide(new GateScores(0.8, 0.600, 10), new GateScores(0.7, 0.591, 10)).publish(),
                "a drop of 0.009 is inside a margin of 0.01");
        assertFalse(gate.decide(new GateScores(0.8, 0.600, 10), new GateScores(0.9, 0.589, 10)).publish(),
                "the gate compares nDCG@10 only");
        GateDecision first = gate.decide(null, CURRENT, HELD_BACK);
        assertTrue(first.publish());
        assertNull(first.current());
    }

    @Test
    void badSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new PublishGate("mrr@10", 0.01));
        assertThrows(IllegalArgumentException.class, () -> new PublishGate(PublishGate.RECALL_AT_10, -0.1));
    }
}
