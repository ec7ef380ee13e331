package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstrainedBeamSearchTest {

    private static final double EPS = 1e-6;

    /**
     * A decoder whose next-token distribution is a table: prefix (as an ID) → {token → probability}; every token
     * not in the row gets probability 1e-9. Records each call's prefixes.
     */
    private static final class TableScorer implements NextTokenScorer {
        private final IdVocabulary vocabulary;
        private final Map<SemanticId, Map<Integer, Double>> rows = new HashMap<>();
        private final List<List<SemanticId>> calls = new ArrayList<>();

        TableScorer(IdVocabulary vocabulary) {
            this.vocabulary = vocabulary;
        }

        /** After {@code prefix}, code {@code code} has probability {@code p}. */
        TableScorer code(String prefix, int code, double p) {
            SemanticId id = SemanticId.parse(prefix);
            rows.computeIfAbsent(id, k -> new HashMap<>()).put(vocabulary.token(id.length(), code), p);
            return this;
        }

        TableScorer eos(String prefix, double p) {
            rows.computeIfAbsent(SemanticId.parse(prefix), k -> new HashMap<>()).put(IdVocabulary.EOS, p);
            return this;
        }

        @Override
        public float[][] nextTokenLogProbs(List<int[]> prefixes) {
            float[][] out = new float[prefixes.size()][vocabulary.size()];
            List<SemanticId> call = new ArrayList<>();
            for (int b = 0; b < prefixes.size(); b++) {
                SemanticId prefix = SemanticId.fromTokens(prefixes.get(b), vocabulary);
                call.add(prefix);
                float[] row = out[b];
                Arrays.fill(row, (float) Math.log(1e-9));
                rows.getOrDefault(prefix, Map.of()).forEach((token, p) -> row[token] = (float) Math.log(p));
            }
            calls.add(call);
            return out;
        }
    }

    private static DocIdTrie trie(String... ids) {
        DocIdTrie trie = new DocIdTrie();
        for (String id : ids) {
            trie.add("doc-" + id, SemanticId.parse(id));
        }
        return trie;
    }

    private static void assertResults(List<ScoredId> results, Object... idThenProbability) {
        assertEquals(idThenProbability.length / 2, results.size(), results.toString());
        for (int i = 0; i < results.size(); i++) {
            assertEquals(SemanticId.parse((String) idThenProbability[2 * i]), results.get(i).id(), results.toString());
            assertEquals(Math.log((Double) idThenProbability[2 * i + 1]), results.get(i).score(), EPS,
                    results.get(i).toString());
        }
    }

    @Test
    void beamSearchFindsTheBetterPathGreedyMisses() {
        IdVocabulary vocabulary = new IdVocabulary(2, 3);
        DocIdTrie trie = trie("0.0", "0.1", "1.0", "1.2");
        TableScorer scorer = new TableScorer(vocabulary)
                .code("", 0, 0.6).code("", 1, 0.4)
                .code("0", 0, 0.5).code("0", 1, 0.5)
                .code("1", 0, 0.9).code("1", 2, 0.1);

        // Greedy takes 0 (0.6) first and ends at 0.6 × 0.5 = 0.30.
        List<ScoredId> greedy = ConstrainedBeamSearch.builder(vocabulary).optBeamSize(1).build().search(trie, scorer);
        assertResults(greedy, "0.0", 0.30);

        // Beam 2 keeps 1 (0.4) and finds 0.4 × 0.9 = 0.36.
        List<ScoredId> beam2 = ConstrainedBeamSearch.builder(vocabulary).optBeamSize(2).build().search(trie, scorer);
        assertResults(beam2, "1.0", 0.36, "0.0", 0.30);

        scorer.calls.clear();
        List<ScoredId> all = ConstrainedBeamSearch.builder(vocabulary).build().search(trie, scorer);
        assertResults(all, "1.0", 0.36, "0.0", 0.30, "0.1", 0.30, "1.2", 0.04);
        // One scorer call per step, all live beams together.
        assertEquals(List.of(List.of(SemanticId.EMPTY), List.of(SemanticId.of(0), SemanticId.of(1))), scorer.calls);
    }

    @Test
    void neverEmitsAHighProbabilityTokenOutsideTheTrie() {
        IdVocabulary vocabulary = new IdVocabulary(2, 3);
        DocIdTrie trie = trie("0.0", "1.1");
        TableScorer scorer = new TableScorer(vocabulary)
                .code("", 2, 0.90).code("", 0, 0.06).code("", 1, 0.04)
                .code("0", 0, 0.5).code("0", 2, 0.5)
                .code("1", 1, 0.25).code("1", 0, 0.75);

        List<ScoredId> raw = ConstrainedBeamSearch.builder(vocabulary).build().search(trie, scorer);
        assertResults(raw, "0.0", 0.06 * 0.5, "1.1", 0.04 * 0.25);

        // Renormalised over allowed tokens: step 1 {0: 0.06, 1: 0.04} -> 0.6 / 0.4; step 2 has one allowed token each.
        List<ScoredId> renormalised = ConstrainedBeamSearch.builder(vocabulary).optRenormalize(true).build()
                .search(trie, scorer);
        assertResults(renormalised, "0.0", 0.6, "1.1", 0.4);
    }

    @Test
    void allowsEosAtACompleteIdThatHasChildren() {
        // Naive string docids "1", "1.2" and "5": "1" is a prefix of "1.2", so it needs EOS; "5" and "1.2" end alone.
        IdVocabulary vocabulary = new IdVocabulary(3, 10);
        DocIdTrie trie = trie("1", "1.2", "5");
        TableScorer scorer = new TableScorer(vocabulary)
                .code("", 1, 0.7).code("", 5, 0.2)
                .eos("1", 0.3).code("1", 2, 0.6).code("1", 3, 0.1);

        List<ScoredId> raw = ConstrainedBeamSearch.builder(vocabulary).build().search(trie, scorer);
        assertResults(raw, "1.2", 0.7 * 0.6, "1", 0.7 * 0.3, "5", 0.2);

        // Step 1 over {1, 5}: 7/9, 2/9; step 2 after 1 over {EOS, 2}: 1/3, 2/3.
        List<ScoredId> renormalised = ConstrainedBeamSearch.builder(vocabulary).optRenormalize(true).build()
                .search(trie, scorer);
        assertResults(renormalised, "1.2", 7.0 / 9 * 2 / 3, "1", 7.0 / 9 / 3, "5", 2.0 / 9);
        // Per search: the root, then only beam 1 (beam 5 ended without a call).
        assertEquals(List.of(List.of(SemanticId.EMPTY), List.of(SemanticId.of(1)),
                List.of(SemanticId.EMPTY), List.of(SemanticId.of(1))), scorer.calls);
    }

    @Test
    void endsBeamsAtMaxLength() {
        IdVocabulary vocabulary = new IdVocabulary(3, 4);
        DocIdTrie trie = trie("1.2", "1.2.3", "2.1.1");
        TableScorer scorer = new TableScorer(vocabulary)
                .code("", 1, 0.5).code("", 2, 0.5)
                .code("1", 2, 1.0).code("2", 1, 1.0);

        // At maxLength 2, 1.2 ends without EOS and 2.1 (not complete, only leads to 2.1.1) is dropped.
        List<ScoredId> capped = ConstrainedBeamSearch.builder(vocabulary).optMaxLength(2).build().search(trie, scorer);
        assertResults(capped, "1.2", 0.5);
    }

    @Test
    void passesCodeTokensWithoutBosToTheScorer() {
        IdVocabulary vocabulary = new IdVocabulary(2, 3);
        DocIdTrie trie = trie("2.1");
        List<int[]> seen = new ArrayList<>();
        NextTokenScorer scorer = prefixes -> {
            seen.addAll(prefixes);
            return new float[prefixes.size()][vocabulary.size()];
        };
        List<ScoredId> results = ConstrainedBeamSearch.builder(vocabulary).build().search(trie, scorer);
        assertEquals(List.of(new ScoredId(SemanticId.of(2, 1), 0.0)), results);
        assertArrayEquals(new int[0], seen.get(0));
        assertArrayEquals(new int[] {vocabulary.token(0, 2)}, seen.get(1));
    }

    @Test
    void emptyTrieNeedsNoScorerCall() {
        NextTokenScorer scorer = prefixes -> {
            throw new AssertionError("no call expected");
        };
        assertTrue(ConstrainedBeamSearch.builder(new IdVocabulary(2, 3)).build().search(new DocIdTrie(), scorer)
                .isEmpty());
    }

    @Test
    void rejectsScorerOutputOfTheWrongShape() {
        IdVocabulary vocabulary = new IdVocabulary(2, 3);
        NextTokenScorer scorer = prefixes -> new float[prefixes.size()][vocabulary.size() - 1];
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ConstrainedBeamSearch.builder(vocabulary).build().search(trie("0.0"), scorer));
        assertTrue(error.getMessage().contains("vocabulary size " + vocabulary.size()), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConstrainedBeamSearch.builder(vocabulary).optBeamSize(0));
        assertThrows(IllegalArgumentException.class, () -> ConstrainedBeamSearch.builder(vocabulary).optMaxLength(3));
    }
}
