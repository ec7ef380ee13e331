package io.dsistream.models.retrieval;

/**
 * How {@link GenerativeRetriever} turns a query into scored documents.
 *
 * @param beamSize        width of the trie-constrained beam search (DSI/ASI++: 10)
 * @param decoderWeight   w_dec, weight of the decoder's path log-probability log p(ID | q) in a document's score
 * @param denseWeight     w_dense, weight of the dot product of query and document embeddings
 * @param candidateShare  candidate budget as a share of the corpus: after the beam's leaves and the query's own
 *                        quantizer ID, further leaves are added, best first by {@code leafRanking}, while the
 *                        documents gathered stay within this share. 0 turns
 *                        the back-off off (pure beam search); it needs a quantizer (ASI) and is ignored without one
 * @param addQueryOwnId   whether the leaf of the query's own quantizer ID (or, when empty, the populated leaves
 *                        under its longest populated prefix) joins the candidates (ASI's "query ID as candidate")
 * @param leafRanking     how the budget's extra leaves are ranked
 */
public record RetrievalOptions(int beamSize, float decoderWeight, float denseWeight, double candidateShare,
                               boolean addQueryOwnId, LeafRanking leafRanking) {

    /**
     * Default budget: 10% of the corpus. On SciFact the beam's 10 leaves hold about 40 documents (0.8%), which
     * caps Recall@100 well below dense retrieval; the quantizer's own ranking of leaves fills the rest cheaply
     * (one quantizer pass and a sum of L log-probabilities per populated leaf).
     */
    public static final double DEFAULT_CANDIDATE_SHARE = 0.10;
    /**
     * Default w_dec: small, because inside the candidate set the dense dot product orders documents far better
     * than a decoder trained on a few hundred queries; the decoder mostly decides which leaves are candidates.
     */
    public static final float DEFAULT_DECODER_WEIGHT = 0.01f;

    public RetrievalOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be at least 1, got " + beamSize);
        }
        if (!(candidateShare >= 0 && candidateShare <= 1)) {
            throw new IllegalArgumentException("candidateShare must be in [0, 1], got " + candidateShare);
        }
        if (leafRanking == null) {
            throw new IllegalArgumentException("leafRanking must be set");
        }
        if (!Float.isFinite(decoderWeight) || !Float.isFinite(denseWeight)) {
            throw new IllegalArgumentException("decoderWeight and denseWeight must be finite");
        }
    }

    /**
     * ASI defaults: beam 10, w_dec 0.01, w_dense 1, 10% candidate budget, the query's own ID as a candidate, the
     * budget filled by decoder and quantizer together ({@link LeafRanking#DECODER_AND_CODE}). On SciFact (same
     * bundle, 518 documents scored) that ranking gave nDCG@10 0.6289 / Recall@100 0.8883, against 0.6212 / 0.8733
     * by the quantizer's code probabilities alone and 0.6041 / 0.8577 by the decoder alone.
     */
    public static RetrievalOptions asiDefaults() {
        return new RetrievalOptions(10, DEFAULT_DECODER_WEIGHT, 1f, DEFAULT_CANDIDATE_SHARE, true,
                LeafRanking.DECODER_AND_CODE);
    }

    /** DSI defaults: documents ranked by the decoder's path score alone, no back-off (Tay et al. 2022). */
    public static RetrievalOptions dsiDefaults() {
        return new RetrievalOptions(10, 1f, 0f, 0, false, LeafRanking.CODE_PROBABILITY);
    }

    public RetrievalOptions withBeamSize(int newBeamSize) {
        return new RetrievalOptions(newBeamSize, decoderWeight, denseWeight, candidateShare, addQueryOwnId,
                leafRanking);
    }

    public RetrievalOptions withWeights(float newDecoderWeight, float newDenseWeight) {
        return new RetrievalOptions(beamSize, newDecoderWeight, newDenseWeight, candidateShare, addQueryOwnId,
                leafRanking);
    }

    public RetrievalOptions withLeafRanking(LeafRanking newRanking) {
        return new RetrievalOptions(beamSize, decoderWeight, denseWeight, candidateShare, addQueryOwnId, newRanking);
    }

    public RetrievalOptions withCandidateShare(double newShare) {
        return new RetrievalOptions(beamSize, decoderWeight, denseWeight, newShare, addQueryOwnId, leafRanking);
    }
}
