package io.dsistream.models.retrieval;

import io.dsistream.models.ids.SemanticId;

/**
 * A leaf ID a query asks the trie for, with the decoder's path score {@code log p(ID | q)} (0 when the model has
 * no decoder or the decoder's weight is 0). The ID may hold no documents; {@link LeafLookup} then backs off.
 */
public record CandidateLeaf(SemanticId id, double decoderScore) {

    public CandidateLeaf {
        if (id == null) {
            throw new IllegalArgumentException("id must not be null");
        }
    }
}
