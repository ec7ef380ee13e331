package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * Balanced soft assignment of a batch to codes by Sinkhorn–Knopp iterations (Cuturi 2013), as RepCONC and
 * ASI++ appendix B.1 use it for the PQ and RQ indexing modules: {@code exp(scores / ε)} is scaled alternately so
 * that every code receives the same mass B/V over the batch and every item a mass of 1. Works in log space with
 * {@code logSoftmax}, because with ε = 0.003 and distances of order 1 the exponent reaches several hundred.
 * The balance is over the batch, so it means something only for batches of several times V items; a batch of
 * one is spread uniformly over the codes. Gradients through it scale with 1/ε.
 */
public final class SinkhornAssignment {

    private SinkhornAssignment() {
    }

    /**
     * Log-probabilities of the balanced assignment.
     *
     * @param scores affinities {@code (..., B, V)} (for a quantizer, negative squared distances to the codewords);
     *     axis -2 is the batch, axis -1 the codes
     * @param epsilon entropic regularisation; smaller is closer to a hard assignment
     * @param iterations column/row scaling rounds; 0 gives a plain softmax over codes
     * @return {@code (..., B, V)}: each item's row sums to 1 (exactly, it is normalised last); each code's column
     *     sums to about B/V once the iterations have converged
     */
    public static NDArray logProbabilities(NDArray scores, float epsilon, int iterations) {
        long batch = scores.getShape().get(scores.getShape().dimension() - 2);
        long codes = scores.getShape().get(scores.getShape().dimension() - 1);
        float logCodeMass = (float) Math.log((double) batch / codes);
        NDArray logPlan = scores.div(ScopedScalar.of(scores, epsilon));
        NDArray logCodeMassArray = ScopedScalar.of(scores, logCodeMass);
        for (int i = 0; i < iterations; i++) {
            // every code (column) receives the mass B/V of a uniform use of the ID space ...
            logPlan = logPlan.logSoftmax(-2).add(logCodeMassArray);
            // ... and every item (row) is one unit of mass, i.e. a distribution over codes
            logPlan = logPlan.logSoftmax(-1);
        }
        return iterations == 0 ? logPlan.logSoftmax(-1) : logPlan;
    }
}
