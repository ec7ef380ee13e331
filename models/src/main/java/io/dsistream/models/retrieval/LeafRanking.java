package io.dsistream.models.retrieval;

/** How {@link GenerativeRetriever} ranks the extra leaves that fill its candidate budget after the beam's leaves. */
public enum LeafRanking {
    /** By the query's own code probabilities {@code Σ_i log p(c_i | q)} from the quantizer (needs a quantizer). */
    CODE_PROBABILITY,
    /**
     * By the dot product of the query embedding with the leaf's centroid (the mean of its documents' embeddings),
     * as an inverted-file index probes its lists; one dot product per populated leaf, computed once per query.
     */
    CENTROID
}
