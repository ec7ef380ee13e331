package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.dsistream.models.encoder.BertEmbeddingTable;

/**
 * A frozen embedding table {@code (rows, H)} held only as NF4 codes with per-block absmax scales ({@link Nf4Tensor},
 * QLoRA section 3), in the place of a {@link BertEmbeddingTable}. The lookup gathers the codes of the batch's ids
 * and de-quantises just those rows, so a pass over {@code B·T} tokens materialises {@code (B, T, H)} floats, never
 * the {@code (rows, H)} table: for MiniLM's 30,522 × 384 word embeddings that is 5.9 MB of codes instead of 46.9 MB.
 *
 * <p>QLoRA itself leaves embeddings in 16 bits; here the word-embedding table is over half of a small encoder's
 * weights, so quantising it is what brings the whole base under 30% of its FP32 size. The FP32 table is closed when
 * this block is built. No gradient flows into the table (it is frozen), only through the rest of the model.
 */
public final class Nf4EmbeddingTable extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Nf4Tensor quantized;
    private final int rows;
    private final int hiddenSize;

    /**
     * Quantises the weight of {@code base} in blocks of {@link AdapterOptions#nf4BlockSize()} (double-quantised
     * scales when {@link AdapterOptions#doubleQuantization()}), then closes the FP32 weight.
     *
     * @throws IllegalArgumentException if {@code base} is not a {@link BertEmbeddingTable} with its weight loaded
     */
    public Nf4EmbeddingTable(Block base, AdapterOptions options) {
        super(VERSION);
        if (!(base instanceof BertEmbeddingTable table)) {
            throw new IllegalArgumentException("an NF4 embedding table replaces a BertEmbeddingTable, got a "
                    + (base == null ? "null block" : base.getClass().getSimpleName()));
        }
        if (!table.weight().isInitialized()) {
            throw new IllegalArgumentException("the embedding table has no weight: load the encoder first");
        }
        NDArray weight = table.weight().getArray();
        this.rows = table.rows();
        this.hiddenSize = table.hiddenSize();
        this.quantized = Nf4Tensor.quantize(weight.toFloatArray(), weight.getShape().getShape(),
                options.nf4BlockSize(), options.doubleQuantization());
        table.weight().close(); // the FP32 table is gone: only the codes and scales remain
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();                                                    // (…)
        float[] gathered = quantized.dequantizeRows(ids.toType(DataType.INT64, false).toLongArray()); // (N·H)
        // An array made from Java data borrows a direct buffer that may be freed while autograd still refers to
        // the result; a clone owns its memory (as in QLoraLinear).
        NDArray borrowed = ids.getManager().create(gathered, ids.getShape().add(hiddenSize));
        NDArray owned = borrowed.duplicate();                                                       // (…, H)
        borrowed.close();
        return new NDList(owned);
    }

    /** The NF4 codes and scales of the table. */
    public Nf4Tensor quantized() {
        return quantized;
    }

    /** Bytes held: codes and scales. */
    public long heldBytes() {
        return quantized.heldBytes();
    }

    /** Bytes the table took in FP32. */
    public long fp32Bytes() {
        return quantized.fp32Bytes();
    }

    public int rows() {
        return rows;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(hiddenSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no parameters: the codes were made from the loaded table in the constructor
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        // same: nothing to initialise
    }
}
