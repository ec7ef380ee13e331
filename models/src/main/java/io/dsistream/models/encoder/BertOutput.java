package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A projection back to H with a residual connection and LayerNorm: {@code LayerNorm(dense(x) + residual)}.
 * Hugging Face has two identical classes for it, {@code BertSelfOutput} (after attention, the child
 * {@code attention.output}) and {@code BertOutput} (after the feed-forward layer, the child {@code output});
 * both are this block. Dropout is left out.
 *
 * <p>Inputs {@code x (B, T, in)} and {@code residual (B, T, H)}; output {@code (B, T, H)}. The child
 * {@code dense} is a Linear an adapter may replace (the attention output projection is
 * {@code attention.output.dense}).
 */
public final class BertOutput extends BertModule {

    private final int inputSize;

    public BertOutput(BertConfig config, int inputSize) {
        this.inputSize = inputSize;
        addNamedChild("dense", Linear.builder().setUnits(config.hiddenSize()).build());
        addNamedChild("LayerNorm", new BertLayerNorm(config.hiddenSize(), config.layerNormEpsilon()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray projected = child("dense").forward(store, new NDList(inputs.get(0)), training, params).head();
        return child("LayerNorm").forward(store, new NDList(projected.add(inputs.get(1))), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        child("dense").initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(inputSize));
        child("LayerNorm").initialize(manager, dataType, inputShapes[1]);
    }
}
