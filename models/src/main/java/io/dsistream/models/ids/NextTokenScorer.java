package io.dsistream.models.ids;

import java.util.List;

/**
 * Scores the next ID token for a batch of decoding prefixes of one query. The ID decoder implements it (bound
 * to the query's encoder states); constrained beam search calls it once per step with all live beams.
 */
public interface NextTokenScorer {

    /**
     * Log-probabilities over the whole {@link IdVocabulary} for each prefix, {@code (P, vocabulary size)}.
     * A prefix holds the code tokens decoded so far, without BOS; the empty prefix asks for the first token.
     */
    float[][] nextTokenLogProbs(List<int[]> prefixes);
}
