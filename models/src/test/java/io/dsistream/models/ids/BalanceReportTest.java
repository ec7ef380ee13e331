package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalanceReportTest {

    private static final double EPS = 1e-9;

    @Test
    void smallAssignmentByHand() {
        // Leaves 0.0 → 3 documents, 0.1 → 1, 2.1 → 1, 1.2 → 0 (unused); V = 3, L = 2, capacity 9.
        Map<SemanticId, Integer> leaves = new HashMap<>();
        leaves.put(SemanticId.parse("0.0"), 3);
        leaves.put(SemanticId.parse("0.1"), 1);
        leaves.put(SemanticId.parse("2.1"), 1);
        leaves.put(SemanticId.parse("1.2"), 0);
        BalanceReport report = BalanceReport.of(leaves, new IdVocabulary(2, 3));

        double entropy = -(0.6 * Math.log(0.6) + 2 * 0.2 * Math.log(0.2));
        assertEquals(0.950270539, entropy, 1e-9);
        assertEquals(5, report.documents());
        assertEquals(3, report.usedLeaves());
        assertArrayEquals(new int[] {2, 2}, report.codesUsedPerPosition());
        assertEquals(entropy, report.entropy(), EPS);
        assertEquals(entropy / Math.log(5), report.normalizedEntropy(), EPS); // min(N = 5, capacity = 9)
        assertEquals(0.590436, report.normalizedEntropy(), 1e-6);
        assertEquals(2.586409, report.perplexity(), 1e-6); // 1 / (0.6^0.6 · 0.2^0.4)
        assertEquals(3, report.maxLeaf());
        assertEquals(3, report.p99Leaf()); // nearest rank ceil(0.99 × 3) = 3 of [1, 1, 3]
        assertEquals(5.0 / 3, report.meanLeaf(), EPS);
        assertEquals(0.6, report.collisionRate(), EPS); // the 3 documents of 0.0 are not alone
        // Σ|x_i − x_j| over ordered pairs of [1, 1, 3] = 8; / (2 U² mean) = 8 / 30.
        assertEquals(8.0 / 30, report.gini(), EPS);

        Map<String, Number> map = report.toMap();
        assertEquals(List.of("documents", "used_leaves", "normalized_entropy", "perplexity", "max_leaf", "p99_leaf",
                "mean_leaf", "collision_rate", "gini", "codes_used.p0", "codes_used.p1"), List.copyOf(map.keySet()));
        assertEquals(5L, map.get("documents"));
        assertEquals(2, map.get("codes_used.p1"));
    }

    @Test
    void fullSpaceEvenlyFilledIsPerfectlyBalanced() {
        // More documents than leaves: capacity 2 bounds the entropy, so two equal leaves reach 1.0.
        BalanceReport report = BalanceReport.of(Map.of(SemanticId.of(0), 2, SemanticId.of(1), 2),
                new IdVocabulary(1, 2));
        assertEquals(1.0, report.normalizedEntropy(), EPS);
        assertEquals(2.0, report.perplexity(), EPS);
        assertEquals(0.0, report.gini(), EPS);
        assertEquals(1.0, report.collisionRate(), EPS);
    }

    @Test
    void allDocumentsInOneLeafHasZeroEntropy() {
        BalanceReport report = BalanceReport.of(Map.of(SemanticId.of(1, 1), 10), new IdVocabulary(2, 4));
        assertEquals(0.0, report.normalizedEntropy(), EPS);
        assertEquals(1.0, report.perplexity(), EPS);
        assertEquals(10, report.p99Leaf());
        assertEquals(0.0, report.gini(), EPS);
        assertArrayEquals(new int[] {1, 1}, report.codesUsedPerPosition());
    }

    @Test
    void p99IsTheNearestRank() {
        IdVocabulary vocabulary = new IdVocabulary(1, 200);
        Map<SemanticId, Integer> leaves = new HashMap<>();
        for (int code = 0; code < 99; code++) {
            leaves.put(SemanticId.of(code), 1);
        }
        leaves.put(SemanticId.of(99), 50);
        assertEquals(1, BalanceReport.of(leaves, vocabulary).p99Leaf()); // rank 99 of 100 is a 1
        leaves.put(SemanticId.of(98), 50);
        assertEquals(50, BalanceReport.of(leaves, vocabulary).p99Leaf()); // now ranks 99 and 100 are 50
        assertEquals(50, BalanceReport.of(leaves, vocabulary).maxLeaf());
    }

    @Test
    void emptyAndSingleDocumentEdges() {
        IdVocabulary vocabulary = new IdVocabulary(2, 4);
        BalanceReport empty = BalanceReport.of(Map.of(), vocabulary);
        assertEquals(0, empty.documents());
        assertEquals(0.0, empty.normalizedEntropy());
        assertEquals(0.0, empty.meanLeaf());
        assertEquals(0.0, empty.collisionRate());
        BalanceReport single = BalanceReport.of(Map.of(SemanticId.of(1, 2), 1), vocabulary);
        assertEquals(1.0, single.normalizedEntropy());
        assertEquals(0.0, single.collisionRate());
    }

    @Test
    void reportsATrie() {
        DocIdTrie trie = new DocIdTrie();
        trie.add("a", SemanticId.of(0, 0));
        trie.add("b", SemanticId.of(0, 0));
        trie.add("c", SemanticId.of(1, 3));
        BalanceReport report = BalanceReport.of(trie, new IdVocabulary(2, 4));
        assertEquals(3, report.documents());
        assertEquals(2, report.usedLeaves());
        assertEquals(2.0 / 3, report.collisionRate(), EPS);
    }
}
