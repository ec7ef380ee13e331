package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One post-LayerNorm transformer layer (Hugging Face {@code BertLayer}): children {@code attention},
 * {@code intermediate} and {@code output}. Inputs {@code hidden (B, T, H)} and
 * {@code additive mask (B, 1, 1, T)}; output {@code (B, T, H)}.
 */
public final class BertLayer extends BertModule {

    private final BertConfig config;

    public BertLayer(BertConfig config) {
        this.config = config;
        addNamedChild("attention", new BertAttention(config));
        addNamedChild("intermediate", new BertIntermediate(config));
        addNamedChild("output", new BertOutput(config, config.intermediateSize()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray attended = child("attention").forward(store, inputs, training, params).head();       // (B, T, H)
        NDArray expanded = child("intermediate").forward(store, new NDList(attended), training, params)
                .head();                                                                              // (B, T, I)
        return child("output").forward(store, new NDList(expanded, attended), training, params);   // (B, T, H)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        child("attention").initialize(manager, dataType, inputShapes);
        child("intermediate").initialize(manager, dataType, hidden);
        Shape expanded = hidden.slice(0, hidden.dimension() - 1).add(config.intermediateSize());
        child("output").initialize(manager, dataType, expanded, hidden);
    }
}
