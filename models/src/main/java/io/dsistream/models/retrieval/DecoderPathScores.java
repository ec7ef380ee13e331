package io.dsistream.models.retrieval;

import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;
import io.dsistream.models.ids.SemanticId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The decoder's path scores {@code log p(ID | q) = Σ_t log p(c_t | q, c_<t)} of given IDs. */
final class DecoderPathScores {

    private DecoderPathScores() {
    }

    /** Each ID's path score; every distinct prefix is scored once, all in one scorer call. */
    static Map<SemanticId, Double> of(NextTokenScorer scorer, IdVocabulary vocabulary, List<SemanticId> ids) {
        Map<SemanticId, Integer> prefixIndex = new LinkedHashMap<>();
        List<int[]> prefixes = new ArrayList<>();
        for (SemanticId id : ids) {
            for (int t = 0; t < id.length(); t++) {
                SemanticId prefix = id.prefix(t);
                if (!prefixIndex.containsKey(prefix)) {
                    prefixIndex.put(prefix, prefixes.size());
                    prefixes.add(prefix.tokens(vocabulary));
                }
            }
        }
        float[][] logProbs = scorer.nextTokenLogProbs(prefixes);
        Map<SemanticId, Double> scores = new HashMap<>();
        for (SemanticId id : ids) {
            double sum = 0;
            for (int t = 0; t < id.length(); t++) {
                sum += logProbs[prefixIndex.get(id.prefix(t))][vocabulary.token(t, id.code(t))];
            }
            scores.put(id, sum);
        }
        return scores;
    }
}
