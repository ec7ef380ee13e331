package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-LayerNorm transformer decoder layer: causal self-attention, cross-attention over the encoder memory,
 * feed-forward, each as {@code x + Dropout(Sublayer(LayerNorm(x)))}.
 *
 * <p>Pre-LN rather than the original (and BART's, hence ASI++'s) post-LN: with the LayerNorm inside the residual
 * branch the residual path is an identity, gradients at initialisation are well-scaled at every depth, and the
 * decoder trains from scratch without a learning-rate warm-up (Xiong et al. 2020) — which matters here because
 * the continual trainer fine-tunes in short bursts on small batches. The decoder ends with a final LayerNorm.
 *
 * <p>Inputs: {@code x (B, T, D)}, {@code memory (Bm, S, D)} with {@code Bm = B} or 1, {@code causalMask (1, 1, T, T)}
 * and {@code memoryMask (Bm, 1, 1, S)}, both additive. Output: {@code (B, T, D)}.
 */
public final class IdDecoderLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final float dropout;
    private final LayerNorm selfAttentionNorm;
    private final DecoderAttention selfAttention;
    private final LayerNorm crossAttentionNorm;
    private final DecoderAttention crossAttention;
    private final LayerNorm feedForwardNorm;
    private final PositionwiseFeedForward feedForward;

    IdDecoderLayer(int width, int heads, int ffnWidth, float dropout) {
        super(VERSION);
        this.dropout = dropout;
        selfAttentionNorm = addChildBlock("selfAttentionNorm", LayerNorm.builder().axis(2).build());
        selfAttention = addChildBlock("selfAttention", new DecoderAttention(width, heads, dropout));
        crossAttentionNorm = addChildBlock("crossAttentionNorm", LayerNorm.builder().axis(2).build());
        crossAttention = addChildBlock("crossAttention", new DecoderAttention(width, heads, dropout));
        feedForwardNorm = addChildBlock("feedForwardNorm", LayerNorm.builder().axis(2).build());
        feedForward = addChildBlock("feedForward", new PositionwiseFeedForward(width, ffnWidth));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0); // (B, T, D)
        NDArray memory = inputs.get(1); // (Bm, S, D)
        NDArray causalMask = inputs.get(2); // (1, 1, T, T)
        NDArray memoryMask = inputs.get(3); // (Bm, 1, 1, S)

        NDArray h = selfAttentionNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        h = selfAttention.forward(parameterStore, new NDList(h, h, causalMask), training).singletonOrThrow();
        x = x.add(residualDropout(h, training)); // (B, T, D)

        h = crossAttentionNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        h = crossAttention.forward(parameterStore, new NDList(h, memory, memoryMask), training).singletonOrThrow();
        x = x.add(residualDropout(h, training)); // (B, T, D)

        h = feedForwardNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        h = feedForward.forward(parameterStore, new NDList(h), training).singletonOrThrow();
        return new NDList(x.add(residualDropout(h, training))); // (B, T, D)
    }

    private NDArray residualDropout(NDArray h, boolean training) {
        return training && dropout > 0f ? Dropout.dropout(h, dropout, true).singletonOrThrow() : h;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0]; // (B, T, D)
        Shape memory = inputShapes[1]; // (Bm, S, D)
        selfAttentionNorm.initialize(manager, dataType, x);
        selfAttention.initialize(manager, dataType, x, x);
        crossAttentionNorm.initialize(manager, dataType, x);
        crossAttention.initialize(manager, dataType, x, memory);
        feedForwardNorm.initialize(manager, dataType, x);
        feedForward.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
