package io.dsistream.models.asi;

/** The three semantic indexing modules of ASI++ appendix B.1. */
public enum QuantizerKind {
    /** A separate MLP with a softmax per position (ASI's neural quantizer; ASI++'s best variant, fig. 4). */
    MLP,
    /** L codebooks over successive residuals, probabilities by Sinkhorn over the batch. */
    RESIDUAL,
    /** The embedding cut into L sub-vectors with one codebook each (RepCONC-style), probabilities by Sinkhorn. */
    PRODUCT
}
