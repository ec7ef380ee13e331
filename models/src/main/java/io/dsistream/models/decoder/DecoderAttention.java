package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1), used both as causal self-attention and as
 * cross-attention over the encoder memory.
 *
 * <p>Inputs: {@code query (B, T, D)}, {@code source (Bs, S, Ds)} with {@code Bs = B} or {@code Bs = 1} (one query's
 * memory shared by B beams; the batched matmul broadcasts it, so keys and values are projected once), and an
 * additive mask broadcastable to {@code (B, heads, T, S)}: 0 where attending is allowed, a large negative number
 * where not. Output: {@code (B, T, D)}.
 */
public final class DecoderAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final int heads;
    private final float dropout;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    /**
     * 1/√d as an array that lives as long as the parameters. Not a Number operand: DJL frees a Number's buffer right
     * after the call while autograd still holds it for backward (see asi.ScopedScalar); a collection between forward
     * and backward then turned the decoder's gradients non-finite at random steps.
     */
    private NDArray queryScale;

    DecoderAttention(int width, int heads, float dropout) {
        super(VERSION);
        this.width = width;
        this.heads = heads;
        this.dropout = dropout;
        query = addChildBlock("query", Linear.builder().setUnits(width).build());
        key = addChildBlock("key", Linear.builder().setUnits(width).build());
        value = addChildBlock("value", Linear.builder().setUnits(width).build());
        output = addChildBlock("output", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray target = inputs.get(0); // (B, T, D)
        NDArray source = inputs.get(1); // (Bs, S, Ds)
        NDArray additiveMask = inputs.get(2); // broadcastable to (B, h, T, S)
        long batch = target.getShape().get(0);
        long length = target.getShape().get(1);

        NDArray q = splitHeads(query.forward(parameterStore, new NDList(target), training).singletonOrThrow())
                .mul(queryScale); // (B, h, T, d), pre-scaled by 1/sqrt(d)
        NDArray k = splitHeads(key.forward(parameterStore, new NDList(source), training).singletonOrThrow()); // (Bs, h, S, d)
        NDArray v = splitHeads(value.forward(parameterStore, new NDList(source), training).singletonOrThrow()); // (Bs, h, S, d)

        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(additiveMask); // (B, h, T, S)
        NDArray weights = scores.softmax(-1); // (B, h, T, S)
        if (training && dropout > 0f) {
            weights = Dropout.dropout(weights, dropout, true).singletonOrThrow();
        }
        NDArray context = weights.matMul(v) // (B, h, T, d)
                .transpose(0, 2, 1, 3) // (B, T, h, d)
                .reshape(new Shape(batch, length, width)); // (B, T, D)
        return output.forward(parameterStore, new NDList(context), training);
    }

    /** {@code (B, T, D)} → {@code (B, h, T, d)}. */
    private NDArray splitHeads(NDArray x) {
        Shape shape = x.getShape();
        return x.reshape(new Shape(shape.get(0), shape.get(1), heads, width / heads)).transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // inputShapes: query (B, T, D), source (Bs, S, Ds)
        queryScale = manager.create((float) (1.0 / Math.sqrt(width / heads)));
        query.initialize(manager, dataType, inputShapes[0]);
        key.initialize(manager, dataType, inputShapes[1]);
        value.initialize(manager, dataType, inputShapes[1]);
        output.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1), width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), width)};
    }
}
