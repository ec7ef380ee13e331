package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/**
 * AdaLoRA (Zhang et al. 2023, eq. 3): the update in SVD form {@code ΔW = P Λ Q} with {@code P (out, r)},
 * {@code Λ = diag(λ) (r)} and {@code Q (r, in)}, r = init_r. P and Q start Gaussian and λ zero, so ΔW starts at
 * zero. Triplets {@code (P[:, i], λ_i, Q[i, :])} are switched off by a 0/1 mask that {@link AdaLoraBudget} sets
 * from their importance; the forward pass uses {@code λ ⊙ mask}, so a pruned triplet neither acts nor learns.
 * The orthogonality regulariser (eq. 4) keeps P and Q close to orthogonal so that λ behaves as singular values.
 */
public final class AdaLoraLinear extends AdaptedLinear {

    private final Parameter p;
    private final Parameter lambda;
    private final Parameter q;
    private final Parameter mask;

    public AdaLoraLinear(Block base, AdapterOptions options, NDManager manager, long seed) {
        super(base, options, manager);
        int rank = options.initRank();
        // λ starts at zero as in AdaLoRA. P and Q start with unit-norm columns / rows in expectation (σ = 1/√d),
        // i.e. near where the orthogonality regulariser wants them; the reference implementation's σ = 0.02 leaves
        // ΔW = P Λ Q orders of magnitude below LoRA's for the first hundreds of steps, too slow for short runs.
        this.p = adapterParameter("lora_P", new Shape(outputSize, rank), seededNormal(seed, 1.0 / Math.sqrt(outputSize)),
                manager, true);
        this.lambda = adapterParameter("lora_E", new Shape(rank), constant(0f), manager, true);
        this.q = adapterParameter("lora_Q", new Shape(rank, inputSize), seededNormal(seed + 1, 1.0 / Math.sqrt(inputSize)),
                manager, true);
        this.mask = adapterParameter("rank_mask", new Shape(rank), constant(1f), manager, false);
    }

    @Override
    protected NDArray delta(NDArray x, boolean training) {
        NDArray z = training && options.dropout() > 0 ? Dropout.dropout(x, options.dropout(), true).head() : x;
        // Linear.linear and ops on z keep every intermediate in the pass's manager (see LoraLinear).
        NDArray down = Linear.linear(z, q.getArray()).head();                            // (…, r)
        NDArray weighted = down.mul(lambda.getArray()).mul(mask.getArray());             // (…, r)
        return Linear.linear(weighted, p.getArray()).head().mul(scaling);                // (…, out)
    }

    @Override
    public NDArray deltaWeight(NDManager manager) {
        NDArray singular = lambda.getArray().duplicate();
        singular.attach(manager);
        NDArray scaledQ = singular.mul(mask.getArray()).expandDims(1).mul(q.getArray()); // (r, in)
        NDArray pCopy = p.getArray().duplicate();
        pCopy.attach(manager);
        return pCopy.matMul(scaledQ).mul(scaling);                                       // (out, in)
    }

    /**
     * AdaLoRA eq. 4: {@code R(P, Q) = ‖PᵀP − I‖²_F + ‖QQᵀ − I‖²_F}, differentiable, in P's and Q's graph. The
     * identity comes from {@code scope}, which must live until the backward pass.
     */
    public NDArray orthogonalityPenalty(NDManager scope) {
        int rank = options.initRank();
        NDArray identity = scope.eye(rank);                                              // (r, r)
        NDArray pt = p.getArray().transpose();                                            // (r, out)
        pt.attach(scope);
        NDArray left = Linear.linear(pt, pt).head().sub(identity);                        // PᵀP − I (r, r)
        NDArray right = Linear.linear(q.getArray(), q.getArray()).head();                 // Q Qᵀ (r, r)
        right.attach(scope);
        return left.square().sum().add(right.sub(identity).square().sum());
    }

    /** Triplets still active. */
    public int activeRank() {
        float[] values = mask.getArray().toFloatArray();
        int count = 0;
        for (float value : values) {
            if (value > 0.5f) {
                count++;
            }
        }
        return count;
    }

    public Parameter p() {
        return p;
    }

    public Parameter lambda() {
        return lambda;
    }

    public Parameter q() {
        return q;
    }

    /** The 0/1 mask over the r triplets (not trained; set by {@link AdaLoraBudget}). */
    public Parameter mask() {
        return mask;
    }

    /** Sets the mask and zeroes λ of the pruned triplets (AdaLoRA masks λ in place). */
    void setMask(boolean[] keep) {
        float[] values = new float[keep.length];
        float[] singular = lambda.getArray().toFloatArray();
        for (int i = 0; i < keep.length; i++) {
            values[i] = keep[i] ? 1f : 0f;
            if (!keep[i]) {
                singular[i] = 0f;
            }
        }
        mask.getArray().set(values);
        lambda.getArray().set(singular);
    }
}
