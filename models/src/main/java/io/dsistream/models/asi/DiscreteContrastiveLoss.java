package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * ASI++ eq. 1 (from ASI): the discrete contrastive margin loss that writes the retrieval signal into the ID
 * semantics, {@code max[0, D(id_q, id_d) − D(id_q, id_d⁻) + α]} over every query, its positive document and the
 * in-batch negatives, with D the code-probability distance of {@link SquaredDistance}.
 *
 * <p>The paper sums over triplets; this averages over them, so the loss and λ do not scale with the batch size.
 * Since D lies in [0, 2L], the margin α must stay below 2L to be reachable (ASI++: α = 3 with L = 4).
 */
public final class DiscreteContrastiveLoss {

    /** ASI++ table 4: α = 3. */
    public static final float DEFAULT_MARGIN = 3f;

    private final float margin;

    public DiscreteContrastiveLoss(float margin) {
        if (!(margin >= 0f)) {
            throw new IllegalArgumentException("margin must not be negative, got " + margin);
        }
        this.margin = margin;
    }

    public DiscreteContrastiveLoss() {
        this(DEFAULT_MARGIN);
    }

    public float margin() {
        return margin;
    }

    /**
     * The loss with every other document of the batch as a negative for each query.
     *
     * @param queryCodes {@code (B, L, V)}; row b is the query of pair b
     * @param documentCodes {@code (B, L, V)}; row b is the positive document of query b
     * @return a scalar
     */
    public NDArray compute(NDArray queryCodes, NDArray documentCodes) {
        return compute(queryCodes, documentCodes, null);
    }

    /**
     * The loss with chosen negatives.
     *
     * @param negativeMask {@code (B, B)}, 1 where document j is a negative for query b (0 on the diagonal, and
     *     where another pair of the batch has the same document or another positive of the query); null for every
     *     off-diagonal pair
     */
    public NDArray compute(NDArray queryCodes, NDArray documentCodes, NDArray negativeMask) {
        requireSameShape(queryCodes, documentCodes);
        long batch = queryCodes.getShape().get(0);
        NDManager scope = queryCodes.getManager();
        NDArray positive = SquaredDistance.rowwise(queryCodes, documentCodes);   // (B)
        NDArray all = SquaredDistance.pairwise(queryCodes, documentCodes);        // (B, B)
        NDArray mask = negativeMask != null
                ? negativeMask.toType(all.getDataType(), false)
                : scope.ones(new Shape(batch, batch)).sub(scope.eye((int) batch));
        NDArray hinge = positive.expandDims(1).sub(all).add(ScopedScalar.of(all, margin))
                .maximum(ScopedScalar.of(all, 0f)).mul(mask);
        return hinge.sum().div(mask.sum().maximum(ScopedScalar.of(mask, 1f)));
    }

    static void requireSameShape(NDArray queryCodes, NDArray documentCodes) {
        if (queryCodes.getShape().dimension() != 3 || !queryCodes.getShape().equals(documentCodes.getShape())) {
            throw new IllegalArgumentException("query and document code probabilities must both be (B, L, V), got "
                    + queryCodes.getShape() + " and " + documentCodes.getShape());
        }
    }
}
