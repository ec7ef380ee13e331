package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A frozen Linear projection {@code (…, in) → (…, out)} plus a trainable low-rank update, the common frame of the
 * LoRA family: {@code y = W x + b + Δ(x)}. It takes the place of the Linear it wraps (see
 * {@code BertModule.replace}); the base weight {@code W (out, in)} and bias stay frozen and are not parameters of
 * this block, so {@link #getParameters()} lists only the adapter's own arrays.
 *
 * <p>Where Δ is a linear map per token ({@code ΔW x}), {@link #merge()} adds ΔW into the base weight for serving
 * (one matrix product per projection, no adapter path) and {@link #unmerge()} takes it out again.
 */
public abstract class AdaptedLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    protected final AdapterOptions options;
    protected final int inputSize;
    protected final int outputSize;
    /** α/r as an array of the model's manager: it must outlive every backward pass (see asi.ScopedScalar). */
    protected final NDArray scaling;
    private final Parameter baseWeight;
    private final Parameter baseBias;
    private boolean merged;

    /**
     * Wraps {@code base}, a DJL Linear whose weight {@code (out, in)} is initialised.
     *
     * @throws IllegalArgumentException if {@code base} is not an initialised Linear
     */
    protected AdaptedLinear(Block base, AdapterOptions options, NDManager manager) {
        super(VERSION);
        if (!(base instanceof Linear linear)) {
            throw new IllegalArgumentException("adapters wrap a Linear projection, got a "
                    + (base == null ? "null block" : base.getClass().getSimpleName()));
        }
        this.options = options;
        Parameter weight = linear.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            throw new IllegalArgumentException("the wrapped Linear has no initialised weight: load the encoder first");
        }
        this.baseWeight = weight;
        this.baseBias = linear.getParameters().get("bias");
        Shape shape = weight.getArray().getShape();
        this.outputSize = Math.toIntExact(shape.get(0));
        this.inputSize = Math.toIntExact(shape.get(1));
        this.scaling = manager.create(options.scaling());
        // The base is frozen: no gradient is computed or kept for it.
        weight.getArray().setRequiresGradient(false);
        if (baseBias != null) {
            baseBias.getArray().setRequiresGradient(false);
        }
    }

    /** A parameter of this adapter with {@code shape}, initialised now in {@code manager} by {@code initializer}. */
    protected final Parameter adapterParameter(String name, Shape shape, Initializer initializer,
                                               NDManager manager, boolean trainable) {
        Parameter parameter = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(shape).optInitializer(initializer).optRequiresGrad(trainable).build());
        parameter.initialize(manager, DataType.FLOAT32);
        return parameter;
    }

    /** N(0, σ²) from a Java {@link Random} seeded per adapter, so equal seeds give equal adapters anywhere. */
    protected static Initializer seededNormal(long seed, double sigma) {
        return (manager, shape, dataType) -> {
            Random random = new Random(seed);
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * sigma);
            }
            return manager.create(values, shape).toType(dataType, false);
        };
    }

    /** A constant initial value. */
    protected static Initializer constant(float value) {
        return (manager, shape, dataType) -> manager.full(shape, value, dataType);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                       // (…, in)
        NDManager scope = x.getManager();
        NDArray bias = baseBias == null ? null : baseBias.getArray();
        NDArray y = Linear.linear(x, weightForForward(scope), bias).head();          // (…, out)
        if (merged) {
            return new NDList(y);
        }
        NDArray delta = delta(x, training);
        return new NDList(delta == null ? y : y.add(delta));
    }

    /** The base weight {@code (out, in)} the forward pass multiplies by (merged or not). */
    protected NDArray weightForForward(NDManager scope) {
        return baseWeight.getArray();
    }

    /** The adapter's contribution {@code (…, out)} for input {@code x (…, in)}, α scaling included; null if none. */
    protected abstract NDArray delta(NDArray x, boolean training);

    /**
     * ΔW {@code (out, in)} such that the adapter's contribution is {@code x ΔWᵀ}, α scaling included.
     *
     * @throws UnsupportedOperationException for adapters that are not a linear map per token
     */
    public abstract NDArray deltaWeight(NDManager manager);

    /** Adds ΔW into the base weight; the forward pass then skips the adapter path. No-op when merged. */
    public void merge() {
        if (merged) {
            return;
        }
        try (NDManager scope = scaling.getManager().newSubManager()) {
            mergeDelta(deltaWeight(scope));
        }
        merged = true;
    }

    /** Takes ΔW out of the base weight again. No-op when not merged. */
    public void unmerge() {
        if (!merged) {
            return;
        }
        try (NDManager scope = scaling.getManager().newSubManager()) {
            unmergeDelta(deltaWeight(scope));
        }
        merged = false;
    }

    /** Folds {@code delta (out, in)} into the base (FP32 base weights: in place). */
    protected void mergeDelta(NDArray delta) {
        baseWeight.getArray().addi(delta);
    }

    protected void unmergeDelta(NDArray delta) {
        baseWeight.getArray().subi(delta);
    }

    public boolean isMerged() {
        return merged;
    }

    /** The frozen base weight parameter {@code (out, in)}; QLoRA has closed its FP32 array. */
    protected Parameter baseWeight() {
        return baseWeight;
    }

    /** Arrays a trainer updates, by name. */
    public Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (ai.djl.util.Pair<String, Parameter> entry : getDirectParameters()) {
            if (entry.getValue().requiresGradient()) {
                out.put(entry.getKey(), entry.getValue());
            }
        }
        return out;
    }

    /** Everything an adapter file stores for this projection (trainable arrays and masks), by name. */
    public Map<String, Parameter> state() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (ai.djl.util.Pair<String, Parameter> entry : getDirectParameters()) {
            out.put(entry.getKey(), entry.getValue());
        }
        return out;
    }

    /** Bytes the frozen base weight and bias hold (FP32 here; QLoRA overrides with its codes and scales). */
    public long baseWeightBytes() {
        long bias = baseBias == null ? 0 : 4L * baseBias.getArray().size();
        return 4L * (long) inputSize * outputSize + bias;
    }

    /** Frozen base parameters (weight and bias elements). */
    public long baseParameterCount() {
        return (long) inputSize * outputSize + (baseBias == null ? 0 : outputSize);
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {x.slice(0, x.dimension() - 1).add(outputSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // parameters are initialised in the constructor: the block is attached to an already loaded encoder
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        // same: nothing to do, every parameter already has its value
    }
}
