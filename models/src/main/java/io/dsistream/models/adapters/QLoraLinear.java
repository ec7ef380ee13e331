package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * QLoRA (Dettmers et al. 2023, eq. 5): LoRA in FP32 over a frozen base weight held only as NF4 codes
 * ({@link Nf4Tensor}); the weight is de-quantised on the fly in every forward pass and freed with the pass. The
 * FP32 copy of the base weight is closed when the adapter is built, so the process really holds 4 bits per weight
 * plus the scales.
 *
 * <p>With {@code withAdapter} false it is a plain NF4 projection (QLoRA quantises every Linear of the model, not
 * only the adapted ones). Merging keeps the NF4 codes untouched and serves {@code dequantize(W) + ΔW} from an FP32
 * copy until {@link #unmerge()}; re-quantising the merged weight would lose the adapter.
 */
public final class QLoraLinear extends LoraLinear {

    private final Nf4Tensor quantized;
    private final long biasBytes;
    private final boolean withAdapter;
    private NDArray mergedWeight;

    public QLoraLinear(Block base, AdapterOptions options, NDManager manager, long seed, boolean withAdapter) {
        super(base, options, manager, seed);
        this.withAdapter = withAdapter;
        NDArray weight = baseWeight().getArray();
        this.quantized = Nf4Tensor.quantize(weight.toFloatArray(), weight.getShape().getShape(),
                options.nf4BlockSize(), options.doubleQuantization());
        this.biasBytes = super.baseWeightBytes() - 4L * inputSize * outputSize;
        baseWeight().close(); // the FP32 weight is gone: only the codes remain
        if (!withAdapter) {
            loraA.getArray().setRequiresGradient(false);
            loraB.getArray().setRequiresGradient(false);
        }
    }

    @Override
    protected NDArray weightForForward(NDManager scope) {
        if (mergedWeight != null) {
            return mergedWeight;
        }
        // A tensor made from Java data borrows a direct buffer that may be freed once the array is closed, while
        // autograd still holds W for the backward pass (the layer's scope closes first); a clone owns its memory.
        NDArray borrowed = scope.create(quantized.dequantize(), new Shape(quantized.shape()));
        NDArray owned = borrowed.duplicate();                                          // (out, in), this pass only
        borrowed.close();
        return owned;
    }

    @Override
    protected NDArray delta(NDArray x, boolean training) {
        if (!withAdapter) {
            return null;
        }
        return super.delta(x, training);
    }

    @Override
    protected void mergeDelta(NDArray delta) {
        NDManager owner = scaling.getManager();
        mergedWeight = owner.create(quantized.dequantize(), new Shape(quantized.shape())).add(delta);
        mergedWeight.attach(owner);
    }

    @Override
    protected void unmergeDelta(NDArray delta) {
        mergedWeight.close();
        mergedWeight = null;
    }

    @Override
    public java.util.Map<String, ai.djl.nn.Parameter> trainableParameters() {
        return withAdapter ? super.trainableParameters() : java.util.Map.of();
    }

    @Override
    public java.util.Map<String, ai.djl.nn.Parameter> state() {
        return withAdapter ? super.state() : java.util.Map.of();
    }

    /** The NF4 codes and scales of the base weight. */
    public Nf4Tensor quantized() {
        return quantized;
    }

    public boolean hasAdapter() {
        return withAdapter;
    }

    /** Codes + scales + the FP32 bias. */
    @Override
    public long baseWeightBytes() {
        return quantized == null ? super.baseWeightBytes() : quantized.heldBytes() + biasBytes;
    }
}
