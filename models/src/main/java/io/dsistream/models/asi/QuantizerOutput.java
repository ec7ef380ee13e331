package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * One forward pass of a {@link SemanticQuantizer}; every array lives in the manager of the embeddings passed in.
 *
 * @param codeProbabilities p(id_i | e) per position, {@code (B, L, V)}; each (b, i) row sums to 1
 * @param logCodeProbabilities the same in log space, {@code (B, L, V)}; exact where probabilities underflow
 * @param quantizationLoss scalar; the quantisation MSE of RQ/PQ (ASI++ appendix B.1), 0 for the MLP
 */
public record QuantizerOutput(NDArray codeProbabilities, NDArray logCodeProbabilities, NDArray quantizationLoss) {
}
