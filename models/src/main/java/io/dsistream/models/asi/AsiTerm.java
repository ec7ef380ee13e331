package io.dsistream.models.asi;

/** The terms of ASI++'s objective, each of which {@link LossWeights} can switch off for an ablation. */
public enum AsiTerm {
    /** L_c, discrete contrastive margin loss on code probabilities (eq. 1). */
    CONTRASTIVE("c", false),
    /** L_CE, teacher-forced decoder cross-entropy (eq. 2). */
    DECODER("ce", false),
    /** L_di, distribution density loss on documents' and queries' codes (eq. 4–5); scaled by λ. */
    DENSITY("di", true),
    /** L_bot, InfoNCE + density on the dense embeddings (eq. 6); scaled by λ. */
    BOTTLENECK("bot", true),
    /** L_ib, KL of the document embeddings to a Gaussian prior (eq. 9); scaled by λ. */
    INFORMATION("ib", true),
    /** Quantisation MSE of the RQ/PQ modules (appendix B.1); 0 for the MLP. */
    QUANTIZATION("q", false);

    private final String label;
    private final boolean scaledByLambda;

    AsiTerm(String label, boolean scaledByLambda) {
        this.label = label;
        this.scaledByLambda = scaledByLambda;
    }

    /** Short name for progress lines. */
    public String label() {
        return label;
    }

    /** Whether λ multiplies this term in {@code L = L_c + L_CE + L_q + λ (L_di + L_bot + L_ib)}. */
    public boolean scaledByLambda() {
        return scaledByLambda;
    }
}
