package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * ASI++ eq. 4–5: the distribution density loss L_di that spreads a batch's IDs over the ID space. Each item is
 * pushed away from the codes its in-batch neighbours hold, by a reverse cross-entropy (Pang et al. 2018): the
 * target for item b against neighbour d' is uniform over every code except the one d' holds at that position
 * (the Kronecker-delta distance of the paper), {@code RCE(b, d') = −Σ_i Σ_v (1 − δ(v, id_d'_i)) / (V − 1) · log
 * p(id_b_i = v)}. Each pair is weighted by the closeness {@code 1 − D(id_b, id_d') / D_max} of the two IDs as
 * points of the indexing space (the Euclidean part: one-hot codes, squared distance 2 per differing position,
 * {@code D_max = 2L}; so the closeness is the share of positions the IDs agree on). The loss is the mean over all
 * ordered pairs b ≠ d' of the batch, the Monte-Carlo estimate of the neighbourhood D'_d.
 *
 * <p>Where eq. 5 is ambiguous, and why: it multiplies the normalised distance {@code D / D_max} with the summed
 * cross-entropy. Taken literally, with gradients through D, minimising it would pull neighbours together, the
 * opposite of eq. 4's maximisation; taken as a detached weight, it would push hardest on pairs that are already
 * apart and not at all on collisions. A density loss must weigh crowded pairs most, so this uses the complement
 * {@code 1 − D / D_max} as a detached weight: items with the same ID repel fully, items that differ in every
 * position not at all. D is taken between the hard IDs ("the discrete numeric IDs are equal to a point in the
 * discrete indexing space"), not between the soft probabilities: soft distributions flattened by the RCE itself
 * would all be close to each other, so every pair would repel and the loss would settle on uniform
 * probabilities whose argmax is arbitrary. Neighbour codes and weights carry no gradient; the gradient flows
 * through {@code log p} of the item being pushed. Probabilities are floored at 1e-30 before the logarithm.
 */
public final class DistributionDensityLoss {

    private static final float PROBABILITY_FLOOR = 1e-30f;

    /**
     * The loss over one set of items (documents or queries; ASI++ applies it to both).
     *
     * @param codes code probabilities {@code (B, L, V)}, B ≥ 2
     * @return a scalar
     */
    public NDArray compute(NDArray codes) {
        Shape shape = codes.getShape();
        if (shape.dimension() != 3 || shape.get(0) < 2) {
            throw new IllegalArgumentException("code probabilities must be (B, L, V) with B >= 2, got " + shape);
        }
        long batch = shape.get(0);
        long positions = shape.get(1);
        int codesPerPosition = (int) shape.get(2);
        NDManager scope = codes.getManager();

        NDArray logProbabilities = codes.maximum(ScopedScalar.of(codes, PROBABILITY_FLOOR)).log().reshape(batch, -1);    // (B, L·V)
        NDArray fixed = codes.stopGradient();
        NDArray neighbourCodes = fixed.argMax(-1).oneHot(codesPerPosition, DataType.FLOAT32)
                .reshape(batch, -1);                                                              // (B, L·V)
        // Σ_v (1 − δ(v, c')) log p_v = Σ_v log p_v − log p_c', summed over positions: (B, B)
        NDArray allCodes = logProbabilities.sum(new int[] {1}, true);                             // (B, 1)
        NDArray atNeighbourCode = logProbabilities.matMul(neighbourCodes.transpose());            // (B, B)
        NDArray reverseCrossEntropy = atNeighbourCode.sub(allCodes).div(ScopedScalar.of(atNeighbourCode, codesPerPosition - 1f));

        // closeness 1 − D(id_b, id_d') / D_max of the hard IDs as one-hot points: the share of positions they share
        NDArray offDiagonal = scope.ones(new Shape(batch, batch)).sub(scope.eye((int) batch));
        NDArray closeness = neighbourCodes.matMul(neighbourCodes.transpose()).div(ScopedScalar.of(codes, positions))
                .mul(offDiagonal);                                                                // (B, B)
        return reverseCrossEntropy.mul(closeness).sum()
                .div(ScopedScalar.of(codes, (float) (batch * (batch - 1))));
    }
}
