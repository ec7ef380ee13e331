package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product self-attention (Hugging Face {@code BertSelfAttention}, without dropout):
 * {@code softmax(Q Kᵀ / √d + M) V} per head, where M is the additive attention mask.
 *
 * <p>Inputs {@code hidden (B, T, H)} and {@code additive mask (B, 1, 1, T)} (0 for real tokens, a huge negative
 * number for padding); output the attention context {@code (B, T, H)} before the output projection. The
 * projections are the named children {@code query}, {@code key} and {@code value} — Linear blocks
 * {@code (…, H) → (…, H)} that an adapter may replace (see {@link BertModule#replace}).
 */
public final class BertSelfAttention extends BertModule {

    /** Largest attention score tensor computed at once, in bytes. */
    static final long MAX_SCORE_BYTES = 16L << 20;

    private final BertConfig config;
    /**
     * 1/√d as an array that lives as long as the parameters. Not a Number operand: DJL frees a Number's buffer
     * right after the call while autograd still holds it for backward (see asi.ScopedScalar), and not an array of
     * the layer's scope either, which closes before backward; both corrupt fine-tuning gradients after a GC.
     */
    private NDArray queryScale;

    public BertSelfAttention(BertConfig config) {
        this.config = config;
        for (String projection : new String[] {"query", "key", "value"}) {
            addNamedChild(projection, Linear.builder().setUnits(config.hiddenSize()).build());
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);        // (B, T, H)
        NDArray additiveMask = inputs.get(1);  // (B, 1, 1, T)
        // Scaling Q instead of the (B, heads, T, T) scores is the same product with fewer multiplications.
        NDArray query = heads(project("query", store, hidden, training, params)).mul(queryScale); // (B, heads, T, d)
        NDArray key = heads(project("key", store, hidden, training, params));                 // (B, heads, T, d)
        NDArray value = heads(project("value", store, hidden, training, params));             // (B, heads, T, d)
        long batch = hidden.getShape().get(0);
        long length = hidden.getShape().get(1);
        long rowsPerChunk = Math.max(1, MAX_SCORE_BYTES / (4L * config.heads() * length * length));
        NDArray context;                                                                      // (B, heads, T, d)
        if (rowsPerChunk >= batch) {
            context = attend(query, key, value, additiveMask);
        } else {
            // Attention over a few sequences at a time keeps each (b, heads, T, T) score tensor under
            // MAX_SCORE_BYTES: larger blocks go to fresh mmap'd pages on every allocation (glibc's mmap
            // threshold is at most 32 MiB) and the page faults cost more than the extra small kernels
            // (MiniLM, B = 32, T = 256 on 2 cores: 68-77 instead of 85 CPU-ms per document).
            NDList parts = new NDList();
            for (long from = 0; from < batch; from += rowsPerChunk) {
                String rows = from + ":" + Math.min(batch, from + rowsPerChunk);
                parts.add(attend(query.get(rows), key.get(rows), value.get(rows), additiveMask.get(rows)));
            }
            context = NDArrays.concat(parts, 0);
            parts.close();
        }
        Shape shape = hidden.getShape();
        return new NDList(context.transpose(0, 2, 1, 3).reshape(shape));                    // (B, T, H)
    }

    /** {@code softmax(Q Kᵀ + M) V} for Q already scaled by 1/√d; all {@code (b, heads, T, d)}, M {@code (b, 1, 1, T)}. */
    private static NDArray attend(NDArray query, NDArray key, NDArray value, NDArray additiveMask) {
        // The (b, heads, T, T) tensors are the largest of the pass: mask in place (matMul's backward does not
        // need its own output) and close the scores as soon as the probabilities exist.
        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).addi(additiveMask);         // (b, heads, T, T)
        NDArray probabilities = scores.softmax(-1);
        scores.close();
        NDArray context = probabilities.matMul(value);                                        // (b, heads, T, d)
        probabilities.close();
        return context;
    }

    private NDArray project(String name, ParameterStore store, NDArray hidden, boolean training,
                            PairList<String, Object> params) {
        return child(name).forward(store, new NDList(hidden), training, params).head();
    }

    /** {@code (B, T, H) → (B, heads, T, d)}. */
    private NDArray heads(NDArray x) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), config.heads(), config.headSize()).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        queryScale = manager.create((float) (1.0 / Math.sqrt(config.headSize())));
        for (String name : childNames()) {
            child(name).initialize(manager, dataType, inputShapes[0]);
        }
    }
}
