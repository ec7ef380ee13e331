package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * One lookup table of {@link BertEmbeddings} (Hugging Face {@code nn.Embedding}): parameter {@code weight}
 * {@code (rows, H)}; input {@code ids (…)} of int64 row indices, output {@code (…, H)}.
 *
 * <p>A block of its own, not a bare parameter of {@link BertEmbeddings}, so that it can be swapped by
 * {@link BertModule#replace} like the Linear projections: QLoRA puts an NF4 table that de-quantises only the
 * gathered rows in its place.
 */
public final class BertEmbeddingTable extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int rows;
    private final int hiddenSize;
    private final Parameter weight;

    public BertEmbeddingTable(int rows, int hiddenSize) {
        super(VERSION);
        this.rows = rows;
        this.hiddenSize = hiddenSize;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, hiddenSize)).optInitializer(new NormalInitializer(0.02f)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();                                                    // (…)
        NDArray table = store.getValue(weight, ids.getDevice(), training);                          // (rows, H)
        return Embedding.embedding(ids, table, SparseFormat.DENSE);                                 // (…, H)
    }

    /** The table {@code (rows, H)}. */
    public Parameter weight() {
        return weight;
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
        // no children: the weight's shape is fixed by the constructor
    }
}
