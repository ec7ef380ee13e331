package io.dsistream.models.encoder;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The feed-forward expansion (Hugging Face {@code BertIntermediate}): {@code GELU(dense(x))} with the exact,
 * erf-based GELU that BERT uses (PyTorch's default, not the tanh approximation). {@code (B, T, H) → (B, T, I)}.
 */
public final class BertIntermediate extends BertModule {

    private final BertConfig config;

    public BertIntermediate(BertConfig config) {
        this.config = config;
        addNamedChild("dense", Linear.builder().setUnits(config.intermediateSize()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList dense = child("dense").forward(store, new NDList(inputs.get(0)), training, params);
        return new NDList(Activation.gelu(dense.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {x.slice(0, x.dimension() - 1).add(config.intermediateSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        child("dense").initialize(manager, dataType, inputShapes[0]);
    }
}
