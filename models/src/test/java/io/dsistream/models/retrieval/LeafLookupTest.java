package io.dsistream.models.retrieval;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.SemanticId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeafLookupTest {

    private final DocIdTrie trie = new DocIdTrie();
    private final Map<String, float[]> vectors = new HashMap<>();
    private final TrieView view = new TrieView() {
        @Override
        public int documentsUnder(SemanticId prefix) {
            return trie.documentsUnder(prefix);
        }

        @Override
        public List<LeafMember> members(SemanticId leaf) {
            return trie.documents(leaf).stream().map(d -> new LeafMember(d, vectors.get(d))).toList();
        }
    };

    private void add(String docId, float x, int... codes) {
        trie.add(docId, SemanticId.of(codes));
        vectors.put(docId, new float[] {x, 1 - x});
    }

    /** Uniform code log-probabilities except the given (position, code, value) triples. */
    private static float[] logProbs(float... positionCodeValue) {
        float[] lp = new float[12];
        java.util.Arrays.fill(lp, -2f);
        for (int i = 0; i < positionCodeValue.length; i += 3) {
            lp[(int) positionCodeValue[i] * 4 + (int) positionCodeValue[i + 1]] = positionCodeValue[i + 2];
        }
        return lp;
    }

    @Test
    void emptyLeafBacksOffToTheBestRankedPopulatedLeavesUnderItsLongestPopulatedPrefix() {
        add("a", 0.1f, 0, 1, 2);
        add("b", 0.2f, 0, 1, 3);
        add("c", 0.3f, 0, 2, 0);
        add("d", 0.4f, 1, 0, 0);
        float[] uniform = logProbs();
        assertEquals(List.of(SemanticId.of(0, 1, 2), SemanticId.of(0, 1, 3)),
                LeafLookup.leavesFor(view, SemanticId.of(0, 1, 0), uniform, 4, 1, 4));
        // the query prefers code 3 at the last position: 0.1.3 first
        assertEquals(List.of(SemanticId.of(0, 1, 3)),
                LeafLookup.leavesFor(view, SemanticId.of(0, 1, 0), logProbs(2, 3, -0.1f), 4, 1, 1));
        // prefix 0.3 is empty: back off to 0; with no preference its leaves come in code order
        assertEquals(List.of(SemanticId.of(0, 1, 2), SemanticId.of(0, 1, 3)),
                LeafLookup.leavesFor(view, SemanticId.of(0, 3, 3), uniform, 4, 1, 2));
        // preferring code 2 at position 1 ranks 0.2.0 first
        assertEquals(List.of(SemanticId.of(0, 2, 0), SemanticId.of(0, 1, 2)),
                LeafLookup.leavesFor(view, SemanticId.of(0, 3, 3), logProbs(1, 2, -0.5f), 4, 1, 2));
        // never above the key prefix: code 2 at position 0 holds nothing, and length 1 is the key
        assertEquals(List.of(), LeafLookup.leavesFor(view, SemanticId.of(2, 0, 0), uniform, 4, 1, 4));
    }

    @Test
    void partsAnsweredApartAndMergedEqualOneLookup() {
        add("a", 0.1f, 0, 1, 2);
        add("b", 0.9f, 0, 1, 3);
        add("c", 0.5f, 0, 2, 0);
        add("d", 0.7f, 1, 0, 0);
        add("e", 0.7f, 1, 0, 1);
        StreamingRetrievalOptions options = new StreamingRetrievalOptions(1, 1, 4, 0.5f, 1f);
        float[] query = {1f, 0f};
        List<CandidateLeaf> candidates = List.of(new CandidateLeaf(SemanticId.of(0, 1, 3), -1.0),
                new CandidateLeaf(SemanticId.of(1, 0, 3), -0.5), new CandidateLeaf(SemanticId.of(0, 2, 0), -2.0));
        float[] lp = logProbs();
        Ranking whole = LeafLookup.search(view, candidates, query, lp, 3, options, 4, 1);
        List<Ranking> parts = new ArrayList<>();
        parts.add(LeafLookup.search(view, List.of(candidates.get(0), candidates.get(2)), query, lp, 3, options, 4, 1));
        parts.add(LeafLookup.search(view, List.of(candidates.get(1)), query, lp, 3, options, 4, 1));
        Ranking merged = LeafLookup.merge(parts, 3);
        assertEquals(whole, merged);
        // b: 0.5 * -1 + 0.9 = 0.4; d, e (back-off from 1.0.3, score -0.5): 0.45 each, d first by id; c: -0.5
        assertEquals(List.of("d", "e", "b"), whole.docs().stream().map(ScoredDoc::docId).toList());
        assertEquals(4, whole.docsScored()); // b, d, e, c
        assertEquals(0.45f, whole.docs().get(0).score(), 1e-6);
    }
}
