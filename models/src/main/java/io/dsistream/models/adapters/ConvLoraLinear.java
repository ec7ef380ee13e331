package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;

/**
 * ConvLoRA / LoCon as the DSI + PEFT report describes it (section 3.2): a depthwise 1-D convolution over the
 * sequence, then the low-rank mapping, the α scaling and a residual connection:
 * {@code h = W x + (α/r)·B·A·(x + DWConv_k(x))} for {@code x (B, T, in)}. The residual keeps each token's own
 * content on the adapter path, the convolution (one kernel of size k per channel, zero padding, same length)
 * adds its neighbours'. B starts at zero, so the wrapped projection is unchanged until trained.
 *
 * <p>The convolution mixes tokens, so the update is not one matrix per token: it cannot be merged into W.
 */
public final class ConvLoraLinear extends LoraLinear {

    private final Parameter convWeight;
    private final Parameter convBias;

    public ConvLoraLinear(Block base, AdapterOptions options, NDManager manager, long seed) {
        super(base, options, manager, seed);
        int kernel = options.convKernel();
        // Depthwise: one (1, k) kernel per input channel; small random start so every tap gets a gradient.
        this.convWeight = adapterParameter("conv_weight", new Shape(inputSize, 1, kernel),
                seededNormal(seed + 7, 1.0 / kernel), manager, true);
        this.convBias = adapterParameter("conv_bias", new Shape(inputSize), constant(0f), manager, true);
    }

    @Override
    protected NDArray delta(NDArray x, boolean training) {
        if (x.getShape().dimension() != 3) {
            throw new IllegalArgumentException("ConvLoRA convolves over the sequence: input must be (B, T, H), got "
                    + x.getShape());
        }
        int kernel = options.convKernel();
        NDArray channelsFirst = x.transpose(0, 2, 1);                                     // (B, in, T)
        NDArray convolved = Conv1d.conv1d(channelsFirst, convWeight.getArray(), convBias.getArray(),
                new Shape(1), new Shape(kernel / 2), new Shape(1), inputSize).head();       // (B, in, T)
        NDArray mixed = x.add(convolved.transpose(0, 2, 1));                              // (B, T, in)
        return lowRank(adapterInput(mixed, training));                                    // (B, T, out)
    }

    /** Always throws: the convolution over the sequence has no per-token matrix. */
    @Override
    public NDArray deltaWeight(NDManager manager) {
        throw new UnsupportedOperationException("a ConvLoRA adapter cannot be merged into the base weight: its "
                + "depthwise convolution mixes neighbouring tokens, which no single (out, in) matrix does; serve it "
                + "unmerged");
    }

    public Parameter convWeight() {
        return convWeight;
    }
}
