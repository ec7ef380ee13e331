package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/**
 * LoRA (Hu et al. 2021, eq. 3): {@code h = W x + (α/r)·B·A·dropout(x)} with {@code A (r, in)} drawn from a
 * Gaussian and {@code B (out, r)} zero, so the wrapped projection is unchanged until B is trained. The DSI + PEFT
 * report uses r = 8, α = 32, dropout 0.1.
 */
public class LoraLinear extends AdaptedLinear {

    protected final Parameter loraA;
    protected final Parameter loraB;

    /**
     * Wraps {@code base} (an initialised Linear). {@code seed} makes A reproducible; A ~ N(0, 1/r) keeps
     * {@code A x} at the scale of x whatever r is.
     */
    public LoraLinear(Block base, AdapterOptions options, NDManager manager, long seed) {
        super(base, options, manager);
        int rank = options.rank();
        this.loraA = adapterParameter("lora_A", new Shape(rank, inputSize),
                seededNormal(seed, 1.0 / Math.sqrt(inputSize)), manager, true);
        this.loraB = adapterParameter("lora_B", new Shape(outputSize, rank), constant(0f), manager, true);
    }

    @Override
    protected NDArray delta(NDArray x, boolean training) {
        return lowRank(adapterInput(x, training));
    }

    /** Dropout on the adapter path only, while training. */
    protected NDArray adapterInput(NDArray x, boolean training) {
        return training && options.dropout() > 0 ? Dropout.dropout(x, options.dropout(), true).head() : x;
    }

    /** {@code (α/r)·(z Aᵀ) Bᵀ} for {@code z (…, in)}: two thin products instead of forming B·A. */
    protected NDArray lowRank(NDArray z) {
        // Linear.linear(x, W) = x Wᵀ puts its result in x's manager; a parameter's own transpose would land in
        // the model's manager and stay there after the pass.
        NDArray down = Linear.linear(z, loraA.getArray()).head();            // (…, r)
        return Linear.linear(down, loraB.getArray()).head().mul(scaling);    // (…, out)
    }

    @Override
    public NDArray deltaWeight(NDManager manager) {
        NDArray b = loraB.getArray().duplicate();
        b.attach(manager);
        return b.matMul(loraA.getArray()).mul(scaling);                      // (out, in)
    }

    /** A {@code (r, in)}. */
    public Parameter loraA() {
        return loraA;
    }

    /** B {@code (out, r)}. */
    public Parameter loraB() {
        return loraB;
    }
}
