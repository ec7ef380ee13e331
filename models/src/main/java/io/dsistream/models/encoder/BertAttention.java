package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Self-attention followed by its output projection, residual and LayerNorm (Hugging Face
 * {@code BertAttention}): children {@code self} ({@link BertSelfAttention}) and {@code output}
 * ({@link BertOutput}). Inputs {@code hidden (B, T, H)} and {@code additive mask (B, 1, 1, T)}; output
 * {@code (B, T, H)}.
 */
public final class BertAttention extends BertModule {

    public BertAttention(BertConfig config) {
        addNamedChild("self", new BertSelfAttention(config));
        addNamedChild("output", new BertOutput(config, config.hiddenSize()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray context = child("self").forward(store, inputs, training, params).head();
        return child("output").forward(store, new NDList(context, hidden), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        child("self").initialize(manager, dataType, inputShapes);
        child("output").initialize(manager, dataType, inputShapes[0], inputShapes[0]);
    }
}
