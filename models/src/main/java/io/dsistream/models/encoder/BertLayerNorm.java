package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * LayerNorm over the last axis with Hugging Face's parameter names ({@code weight}, {@code bias}) and BERT's
 * epsilon. {@code (…, H) → (…, H)}.
 */
public final class BertLayerNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int hiddenSize;
    private final float epsilon;
    private final Parameter weight;
    private final Parameter bias;

    public BertLayerNorm(int hiddenSize, float epsilon) {
        super(VERSION);
        this.hiddenSize = hiddenSize;
        this.epsilon = epsilon;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(hiddenSize)).optInitializer(new ConstantInitializer(1f)).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA)
                .optShape(new Shape(hiddenSize)).optInitializer(new ConstantInitializer(0f)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (…, H)
        return LayerNorm.layerNorm(x, new Shape(hiddenSize), store.getValue(weight, x.getDevice(), training),
                store.getValue(bias, x.getDevice(), training), epsilon);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
