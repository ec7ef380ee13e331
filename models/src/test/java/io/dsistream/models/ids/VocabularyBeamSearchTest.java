package io.dsistream.models.ids;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VocabularyBeamSearchTest {

    private final IdVocabulary vocabulary = new IdVocabulary(2, 3);

    @Test
    void beamKeepsTheBestPrefixesAndScoresWholePaths() {
        // position 0: code 2 best (log 0.5), then 1 (0.3), then 0 (0.2); position 1 depends on the first code
        NextTokenScorer scorer = prefixes -> {
            float[][] rows = new float[prefixes.size()][vocabulary.size()];
            for (int i = 0; i < rows.length; i++) {
                int[] prefix = prefixes.get(i);
                float[] p = prefix.length == 0 ? new float[] {0.2f, 0.3f, 0.5f}
                        : vocabulary.code(prefix[0]) == 2 ? new float[] {0.4f, 0.35f, 0.25f}
                        : new float[] {0.1f, 0.1f, 0.8f};
                for (int c = 0; c < 3; c++) {
                    rows[i][vocabulary.token(prefix.length, c)] = (float) Math.log(p[c]);
                }
            }
            return rows;
        };
        List<ScoredId> best = new VocabularyBeamSearch(vocabulary, 2).search(scorer);
        // beam 2 keeps prefixes 2 and 1; full paths: 2.0 = .20, 1.2 = .24, 2.1 = .175
        assertEquals(List.of(SemanticId.of(1, 2), SemanticId.of(2, 0)), best.stream().map(ScoredId::id).toList());
        assertEquals(Math.log(0.3) + Math.log(0.8), best.get(0).score(), 1e-6);
    }

    @Test
    void factorisedTopIdsEqualBruteForce() {
        IdVocabulary wide = new IdVocabulary(3, 5);
        Random random = new Random(7);
        float[] logProbs = new float[15];
        for (int i = 0; i < logProbs.length; i++) {
            logProbs[i] = (float) -random.nextDouble() * 4;
        }
        List<ScoredId> all = new ArrayList<>();
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                for (int c = 0; c < 5; c++) {
                    all.add(new ScoredId(SemanticId.of(a, b, c), logProbs[a] + logProbs[5 + b] + logProbs[10 + c]));
                }
            }
        }
        all.sort(Comparator.comparingDouble(ScoredId::score).reversed());
        List<ScoredId> top = VocabularyBeamSearch.topFactorised(logProbs, wide, 12);
        assertEquals(all.subList(0, 12).stream().map(ScoredId::id).toList(), top.stream().map(ScoredId::id).toList());
    }
}
