package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Token embedding over the ID vocabulary plus a learned position embedding: {@code (B, T)} token ids →
 * {@code (B, T, D)}. Code tokens are already position-specific (ASI++ §2.2), the position table still tells BOS
 * and EOS/PAD positions apart and lets the layers know how far decoding has got.
 */
public final class IdTokenEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int maxPositions;
    private final Parameter tokenTable;
    private final Parameter positionTable;

    IdTokenEmbedding(int vocabularySize, int maxPositions, int width) {
        super(VERSION);
        this.maxPositions = maxPositions;
        // (V, D)
        tokenTable = addParameter(Parameter.builder().setName("tokenTable").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, width)).build());
        // (T_max, D)
        positionTable = addParameter(Parameter.builder().setName("positionTable").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxPositions, width)).build());
    }

    /** The {@code (V, D)} token table, shared with the output projection when the decoder ties them. */
    Parameter tokenTable() {
        return tokenTable;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow().toType(DataType.INT64, false); // (B, T)
        int length = Math.toIntExact(tokens.getShape().get(1));
        if (length > maxPositions) {
            throw new IllegalArgumentException("decoder input of " + length + " tokens is longer than the "
                    + maxPositions + " positions of the position table");
        }
        NDArray table = parameterStore.getValue(tokenTable, tokens.getDevice(), training);
        NDArray positionRows = parameterStore.getValue(positionTable, tokens.getDevice(), training);
        NDArray positions = tokens.getManager().arange(0, length, 1, DataType.INT64); // (T)
        NDArray tokenVectors = Embedding.embedding(tokens, table, SparseFormat.DENSE).singletonOrThrow(); // (B, T, D)
        NDArray positionVectors = Embedding.embedding(positions, positionRows, SparseFormat.DENSE)
                .singletonOrThrow(); // (T, D)
        return new NDList(tokenVectors.add(positionVectors)); // (B, T, D)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), tokenTable.getShape().get(1))};
    }
}
