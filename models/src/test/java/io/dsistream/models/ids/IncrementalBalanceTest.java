package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IncrementalBalanceTest {

    private static void assertSameReport(BalanceReport expected, BalanceReport actual, String when) {
        Map<String, Number> want = expected.toMap();
        Map<String, Number> got = actual.toMap();
        assertEquals(want.keySet(), got.keySet(), when);
        for (String key : want.keySet()) {
            Number w = want.get(key);
            Number g = got.get(key);
            if (w instanceof Double) {
                assertEquals(w.doubleValue(), g.doubleValue(), 1e-9, when + ": " + key);
            } else {
                assertEquals(w, g, when + ": " + key);
            }
        }
    }

    @Test
    void matchesTheFromScratchReportThroughRandomAddsAndRemoves() {
        IdVocabulary vocabulary = new IdVocabulary(3, 4);
        IncrementalBalance balance = new IncrementalBalance(vocabulary);
        DocIdTrie trie = new DocIdTrie();
        List<String> docs = new ArrayList<>();
        List<SemanticId> docLeaves = new ArrayList<>();
        Random random = new Random(20240607L);
        int nextDoc = 0;
        for (int step = 1; step <= 10_000; step++) {
            if (docs.isEmpty() || random.nextInt(10) < 6) {
                // Skewed leaves of lengths 1..3, so sizes, collisions and codes vary.
                int[] codes = new int[1 + random.nextInt(3)];
                for (int p = 0; p < codes.length; p++) {
                    codes[p] = Math.min(random.nextInt(4), random.nextInt(4));
                }
                SemanticId leaf = SemanticId.of(codes);
                String doc = "d" + nextDoc++;
                trie.add(doc, leaf);
                balance.documentAdded(leaf, trie.leafSize(leaf));
                docs.add(doc);
                docLeaves.add(leaf);
            } else {
                int pick = random.nextInt(docs.size());
                String doc = docs.get(pick);
                SemanticId leaf = docLeaves.get(pick);
                trie.remove(doc, leaf);
                balance.documentRemoved(leaf, trie.leafSize(leaf));
                int last = docs.size() - 1;
                docs.set(pick, docs.get(last));
                docLeaves.set(pick, docLeaves.get(last));
                docs.remove(last);
                docLeaves.remove(last);
            }
            if (step % 500 == 0) {
                assertSameReport(BalanceReport.of(trie, vocabulary), balance.report(), "step " + step);
            }
        }
        BalanceReport report = balance.report();
        assertEquals(docs.size(), report.documents());

        IncrementalBalance restored = IncrementalBalance.rebuild(vocabulary, balance.leafSizeHistogram(),
                balance.leavesPerCode());
        assertSameReport(report, restored.report(), "after rebuild");

        // Empty it again: every figure returns to the empty report.
        for (int i = 0; i < docs.size(); i++) {
            trie.remove(docs.get(i), docLeaves.get(i));
            balance.documentRemoved(docLeaves.get(i), trie.leafSize(docLeaves.get(i)));
        }
        assertSameReport(BalanceReport.of(Map.of(), vocabulary), balance.report(), "emptied");
    }

    @Test
    void exportsHistogramAndCodeCounts() {
        IdVocabulary vocabulary = new IdVocabulary(2, 3);
        IncrementalBalance balance = new IncrementalBalance(vocabulary);
        balance.documentAdded(SemanticId.of(0, 0), 1);
        balance.documentAdded(SemanticId.of(0, 0), 2);
        balance.documentAdded(SemanticId.of(2, 1), 1);
        assertEquals(Map.of(1, 1L, 2, 1L), balance.leafSizeHistogram());
        int[][] codes = balance.leavesPerCode();
        assertEquals(1, codes[0][0]);
        assertEquals(0, codes[0][1]);
        assertEquals(1, codes[0][2]);
        assertEquals(1, codes[1][1]);
        assertEquals(3, balance.documents());
    }

    @Test
    void rejectsChangesOutOfStepWithItsState() {
        IncrementalBalance balance = new IncrementalBalance(new IdVocabulary(2, 3));
        assertThrows(IllegalStateException.class, () -> balance.documentAdded(SemanticId.of(1, 1), 2));
        assertThrows(IllegalStateException.class, () -> balance.documentRemoved(SemanticId.of(1, 1), 0));
        assertThrows(IllegalArgumentException.class, () -> balance.documentAdded(SemanticId.of(1, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> IncrementalBalance.rebuild(new IdVocabulary(2, 3),
                Map.of(1, 2L), new int[2][3]));
    }
}
