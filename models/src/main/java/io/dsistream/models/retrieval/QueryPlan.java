package io.dsistream.models.retrieval;

import java.util.List;

/**
 * What the model says about one query before the trie is consulted: its pooled, L2-normalised embedding
 * {@code [H]} (for the dense term of a document's score), the candidate leaves (decoder beam first, then the
 * query's own quantizer ID, then the quantizer's next best IDs), and the quantizer's code log-probabilities
 * {@code [L * V]}, position-major, which rank the populated leaves an empty candidate backs off to.
 */
public record QueryPlan(float[] vector, List<CandidateLeaf> candidates, float[] codeLogProbs) {

    public QueryPlan {
        candidates = List.copyOf(candidates);
    }
}
