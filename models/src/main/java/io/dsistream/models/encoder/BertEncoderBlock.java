package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face-compatible BERT encoder as DJL blocks (Hugging Face {@code BertModel} without the pooler and
 * without dropout): children {@code embeddings} and {@code encoder.layer.0} … {@code encoder.layer.N-1}, so that
 * every parameter and sub-block answers to its Hugging Face name (see {@link #hfParameters},
 * {@link #find}, {@link #replace}).
 *
 * <p>Inputs {@code token ids (B, T)} and {@code attention mask (B, T)} (int64, 1 for real tokens), optionally
 * {@code token type ids (B, T)}; output {@code last hidden state (B, T, H)}. This is not DJL's
 * {@code ai.djl.nn.transformer.BertBlock}, which differs from Hugging Face BERT.
 *
 * <p>All parameters are ordinary DJL {@link Parameter}s, so a trainer can collect gradients for them; the four
 * attention projections of each layer ({@link #ATTENTION_PROJECTIONS}) are the places adapters attach.
 */
public final class BertEncoderBlock extends BertModule {

    /** Paths, relative to a layer, of the projections LoRA-family adapters wrap: Q, K, V and attention output. */
    public static final List<String> ATTENTION_PROJECTIONS = List.of(
            "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense");

    /** Key of the {@link LayerBoundary} in {@code forward}'s params, called between layers when present. */
    static final String LAYER_BOUNDARY = "layerBoundary";

    private final BertConfig config;

    public BertEncoderBlock(BertConfig config) {
        this.config = config;
        addNamedChild("embeddings", new BertEmbeddings(config));
        for (int layer = 0; layer < config.layers(); layer++) {
            addNamedChild(layerPath(layer), new BertLayer(config));
        }
    }

    /** The shape this encoder was built with. */
    public BertConfig config() {
        return config;
    }

    /** {@code encoder.layer.<index>}, the Hugging Face path of a layer. */
    public static String layerPath(int layer) {
        return "encoder.layer." + layer;
    }

    /** Every attention projection path ({@code encoder.layer.i.attention.self.query}, …), layer by layer. */
    public List<String> attentionProjectionPaths() {
        List<String> paths = new ArrayList<>();
        for (int layer = 0; layer < config.layers(); layer++) {
            for (String projection : ATTENTION_PROJECTIONS) {
                paths.add(layerPath(layer) + "." + projection);
            }
        }
        return paths;
    }

    /**
     * Initialises every parameter (on {@code manager}'s device) and overwrites it with the pretrained value of
     * the same Hugging Face name.
     *
     * @throws IllegalArgumentException naming the weight if one is missing or has another shape
     */
    public void loadPretrained(NDManager manager, OnnxWeights weights) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
        for (Map.Entry<String, Parameter> entry : hfParameters("").entrySet()) {
            HfTensor tensor = weights.tensor(entry.getKey());
            NDArray array = entry.getValue().getArray();
            if (!Arrays.equals(array.getShape().getShape(), tensor.shape())) {
                throw new IllegalArgumentException("weight '" + entry.getKey() + "' has shape "
                        + Arrays.toString(tensor.shape()) + " in the checkpoint but " + array.getShape()
                        + " in a BERT of " + config);
            }
            array.set(FloatBuffer.wrap(tensor.data()));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0);            // (B, T)
        NDArray attentionMask = inputs.get(1);  // (B, T)
        NDList embeddingInputs = inputs.size() > 2 ? new NDList(ids, inputs.get(2)) : new NDList(ids);
        NDArray hidden = child("embeddings").forward(store, embeddingInputs, training, params).head(); // (B, T, H)
        // Hugging Face's extended mask: 0 where attended, the most negative float where padded; broadcast over
        // heads and query positions.
        Shape maskShape = attentionMask.getShape();
        NDArray additiveMask = attentionMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE)
                .reshape(maskShape.get(0), 1, 1, maskShape.get(1));                                  // (B, 1, 1, T)
        NDManager outer = ids.getManager();
        LayerBoundary boundary = params == null ? null : (LayerBoundary) params.get(LAYER_BOUNDARY);
        for (int layer = 0; layer < config.layers(); layer++) {
            // Each layer computes in its own scope that closes its intermediates (hundreds of MB at B = 32,
            // T = 256) as soon as the layer is done, instead of all layers' at the end of the pass. Autograd
            // keeps its own references to what backward needs, so this is safe when training too.
            try (NDManager layerScope = outer.newSubManager()) {
                hidden.attach(layerScope); // the previous state is not needed once the next one exists
                NDArray next = child(layerPath(layer))
                        .forward(store, new NDList(hidden, additiveMask), training, params).head();
                next.attach(outer);
                hidden = next;
            }
            if (boundary != null && layer < config.layers() - 1) {
                try {
                    boundary.reached(layer);
                } catch (InterruptedException e) {
                    throw new PassInterrupted(e);
                }
            }
        }
        return new NDList(hidden);
    }

    /** Carries a {@link LayerBoundary}'s interruption out of {@code forward}, which cannot throw it. */
    static final class PassInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PassInterrupted(InterruptedException cause) {
            super(cause);
        }

        @Override
        public synchronized InterruptedException getCause() {
            return (InterruptedException) super.getCause();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        child("embeddings").initialize(manager, dataType, ids);
        Shape hidden = ids.add(config.hiddenSize());
        Shape mask = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (int layer = 0; layer < config.layers(); layer++) {
            child(layerPath(layer)).initialize(manager, dataType, hidden, mask);
        }
    }
}
