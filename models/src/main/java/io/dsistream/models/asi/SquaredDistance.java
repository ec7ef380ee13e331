package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * Squared Euclidean distances between rows, with trailing axes flattened. On code probabilities {@code (B, L, V)}
 * this is ASI++'s ID distance {@code D(id_q, id_d) = Σ_i ||p(id_q_i | e_q) − p(id_d_i | e_d)||²} (eq. 1), which
 * lies in [0, 2L]; on L2-normalised embeddings {@code (B, H)} it is the dense distance of eq. 6, in [0, 4].
 */
public final class SquaredDistance {

    private SquaredDistance() {
    }

    /** {@code D(a_b, c_j)} for every pair: {@code (B, ...)} and {@code (C, ...)} give {@code (B, C)}. */
    public static NDArray pairwise(NDArray a, NDArray c) {
        NDArray left = a.reshape(a.getShape().get(0), -1);    // (B, F)
        NDArray right = c.reshape(c.getShape().get(0), -1);   // (C, F)
        if (left.getShape().get(1) != right.getShape().get(1)) {
            throw new IllegalArgumentException("rows of " + a.getShape() + " and " + c.getShape()
                    + " have different sizes");
        }
        // ||a||² + ||c||² − 2 a·c; clamped at 0 against rounding below zero
        return left.square().sum(new int[] {1}, true)
                .add(right.square().sum(new int[] {1}).expandDims(0))
                .sub(left.matMul(right.transpose()).mul(ScopedScalar.of(left, 2f)))
                .maximum(ScopedScalar.of(left, 0f));
    }

    /** {@code D(a_b, c_b)} row by row: two arrays of the same shape {@code (B, ...)} give {@code (B)}. */
    public static NDArray rowwise(NDArray a, NDArray c) {
        if (!a.getShape().equals(c.getShape())) {
            throw new IllegalArgumentException("row-wise distance needs equal shapes, got " + a.getShape()
                    + " and " + c.getShape());
        }
        return a.sub(c).square().reshape(a.getShape().get(0), -1).sum(new int[] {1});
    }
}
