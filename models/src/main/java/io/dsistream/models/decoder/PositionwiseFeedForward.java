package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The position-wise feed-forward network: {@code (B, T, D)} → Linear(F) → GELU → Linear(D) → {@code (B, T, D)}. */
public final class PositionwiseFeedForward extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final int innerWidth;
    private final Linear expand;
    private final Linear contract;

    PositionwiseFeedForward(int width, int innerWidth) {
        super(VERSION);
        this.width = width;
        this.innerWidth = innerWidth;
        expand = addChildBlock("expand", Linear.builder().setUnits(innerWidth).build());
        contract = addChildBlock("contract", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray inner = expand.forward(parameterStore, inputs, training).singletonOrThrow(); // (B, T, F)
        return contract.forward(parameterStore, new NDList(Activation.gelu(inner)), training); // (B, T, D)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0]; // (B, T, D)
        expand.initialize(manager, dataType, x);
        contract.initialize(manager, dataType, new Shape(x.get(0), x.get(1), innerWidth));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), width)};
    }
}
