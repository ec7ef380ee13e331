package io.dsistream.models.retrieval;

import java.util.List;

/**
 * What the model says about one query before the trie is consulted: its pooled, L2-normalised embedding
 * {@code [H]} (for the dense term of a document's score) and the candidate leaves, decoder beam first, then the
 * query's own quantizer ID, then the quantizer's next best IDs.
 */
public record QueryPlan(float[] vector, List<CandidateLeaf> candidates) {

    public QueryPlan {
        candidates = List.copyOf(candidates);
    }
}
