package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AtomicIdsTest {

    @Test
    void oneTokenPerDocument() {
        List<SemanticId> ids = AtomicIds.assign(List.of("4983", "5836", "7912"));
        assertEquals(List.of(SemanticId.of(0), SemanticId.of(1), SemanticId.of(2)), ids);
        IdVocabulary vocabulary = AtomicIds.vocabulary(3);
        assertEquals(1, vocabulary.maxLength());
        assertEquals(3 + 3, vocabulary.size(), "PAD, BOS, EOS and one token per document");
        assertEquals(3 + 2, vocabulary.token(0, 2));
        assertThrows(IllegalArgumentException.class, () -> AtomicIds.assign(List.of("a", "a")));
    }

    @Test
    void beamSearchOverAtomicIdsIsTopKOverDocuments() {
        IdVocabulary vocabulary = AtomicIds.vocabulary(4);
        DocIdTrie trie = new DocIdTrie();
        List<String> docs = List.of("a", "b", "c", "d");
        List<SemanticId> ids = AtomicIds.assign(docs);
        for (int i = 0; i < docs.size(); i++) {
            trie.add(docs.get(i), ids.get(i));
        }
        float[] row = new float[vocabulary.size()];
        Arrays.fill(row, -50f);
        float[] documentLogProbs = {-2f, -0.5f, -3f, -1f};
        for (int d = 0; d < 4; d++) {
            row[vocabulary.token(0, d)] = documentLogProbs[d];
        }
        NextTokenScorer scorer = prefixes -> new float[][] {row};
        List<ScoredId> top2 = ConstrainedBeamSearch.builder(vocabulary).optBeamSize(2).build().search(trie, scorer);
        assertEquals(List.of(new ScoredId(SemanticId.of(1), -0.5), new ScoredId(SemanticId.of(3), -1.0)), top2);
    }
}
