package io.dsistream.models.ids;

/**
 * A decoded ID and its beam score: the sum of the next-token log-probabilities along its path (renormalised over
 * the trie-allowed tokens when the search was asked to), EOS included where the ID needed one.
 */
public record ScoredId(SemanticId id, double score) {

    public ScoredId {
        if (id == null) {
            throw new IllegalArgumentException("id must not be null");
        }
    }
}
