package io.dsistream.models.retrieval;

/** How {@link GenerativeRetriever} ranks the extra leaves that fill its candidate budget after the beam's leaves. */
public enum LeafRanking {
    /** By the query's own code probabilities {@code Σ_i log p(c_i | q)} from the quantizer (needs a quantizer). */
    CODE_PROBABILITY,
    /**
     * By the dot product of the query embedding with the leaf's centroid (the mean of its documents' embeddings),
     * as an inverted-file index probes its lists; one dot product per populated leaf, computed once per query.
     */
    CENTROID,
    /**
     * By the decoder's path log-probability {@code log p(ID | q)} of every populated leaf (DSI's generative score,
     * a beam of unbounded width over the trie): one decoder call over the trie's distinct prefixes per query.
     */
    DECODER,
    /**
     * By the sum of the decoder's {@code log p(ID | q)} and the quantizer's {@code Σ_i log p(c_i | q)}: a product
     * of the two experts, each trained to map a query to its documents' IDs (needs a quantizer).
     */
    DECODER_AND_CODE
}
