package io.dsistream.models.retrieval;

import java.io.Serializable;

/**
 * How a query is answered when the trie is only reachable leaf by leaf (the streaming job, and its offline twin
 * {@link PlannedLeafRetriever}): the model proposes leaf IDs without seeing the trie ({@link QueryPlanner}), and
 * each ID is looked up where its part of the trie lives ({@link LeafLookup}).
 *
 * @param beamSize        width of the decoder's beam search over the ID space (DSI/ASI++: 10); unused without a
 *                        decoder
 * @param quantizerLeaves how many IDs the quantizer proposes, best first by {@code Σ_i log p(c_i | q)} (the query's
 *                        own ID is the first); the main lever on documents scored per query
 * @param backoffLeaves   how many populated leaves an empty candidate ID backs off to, under its longest populated
 *                        prefix
 * @param decoderWeight   w_dec, weight of {@code log p(ID | q)} in a document's score
 * @param denseWeight     w_dense, weight of the query–document dot product
 */
public record StreamingRetrievalOptions(int beamSize, int quantizerLeaves, int backoffLeaves, float decoderWeight,
                                        float denseWeight) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Default quantizer IDs per query. On SciFact (5,183 documents, IDs of 3 × 16 codes) 48 proposed IDs, with
     * their back-offs, reach about 10% of the corpus.
     */
    public static final int DEFAULT_QUANTIZER_LEAVES = 48;
    public static final int DEFAULT_BACKOFF_LEAVES = 4;

    public StreamingRetrievalOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be at least 1, got " + beamSize);
        }
        if (quantizerLeaves < 1) {
            throw new IllegalArgumentException("quantizerLeaves must be at least 1, got " + quantizerLeaves);
        }
        if (backoffLeaves < 0) {
            throw new IllegalArgumentException("backoffLeaves must be >= 0, got " + backoffLeaves);
        }
        if (!Float.isFinite(decoderWeight) || !Float.isFinite(denseWeight)) {
            throw new IllegalArgumentException("decoderWeight and denseWeight must be finite");
        }
    }

    /** Beam 10, 48 quantizer IDs, back-off to 4 leaves, w_dec 0.01 and w_dense 1 as in {@link RetrievalOptions}. */
    public static StreamingRetrievalOptions defaults() {
        return new StreamingRetrievalOptions(10, DEFAULT_QUANTIZER_LEAVES, DEFAULT_BACKOFF_LEAVES,
                RetrievalOptions.DEFAULT_DECODER_WEIGHT, 1f);
    }

    public StreamingRetrievalOptions withQuantizerLeaves(int leaves) {
        return new StreamingRetrievalOptions(beamSize, leaves, backoffLeaves, decoderWeight, denseWeight);
    }

    public StreamingRetrievalOptions withBeamSize(int size) {
        return new StreamingRetrievalOptions(size, quantizerLeaves, backoffLeaves, decoderWeight, denseWeight);
    }

    public StreamingRetrievalOptions withWeights(float newDecoderWeight, float newDenseWeight) {
        return new StreamingRetrievalOptions(beamSize, quantizerLeaves, backoffLeaves, newDecoderWeight,
                newDenseWeight);
    }
}
