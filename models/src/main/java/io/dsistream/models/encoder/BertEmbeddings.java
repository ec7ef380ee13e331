package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * BERT's input layer: word + position + token type embeddings, then LayerNorm (Hugging Face
 * {@code BertEmbeddings}, without dropout). Inputs {@code token ids (B, T)} and optionally
 * {@code token type ids (B, T)} (all zero when absent); output {@code (B, T, H)}. Each table is a
 * {@link BertEmbeddingTable} child, so QLoRA can replace it by a quantised one.
 */
public final class BertEmbeddings extends BertModule {

    private final BertConfig config;

    public BertEmbeddings(BertConfig config) {
        this.config = config;
        // Tables are named children (not own parameters) so adapters can swap them; their parameter names stay
        // Hugging Face's: embeddings.word_embeddings.weight, …
        addNamedChild("word_embeddings", new BertEmbeddingTable(config.vocabularySize(), config.hiddenSize()));
        addNamedChild("position_embeddings", new BertEmbeddingTable(config.maxPositions(), config.hiddenSize()));
        addNamedChild("token_type_embeddings",
                new BertEmbeddingTable(config.typeVocabularySize(), config.hiddenSize()));
        addNamedChild("LayerNorm", new BertLayerNorm(config.hiddenSize(), config.layerNormEpsilon()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0); // (B, T)
        long length = ids.getShape().get(1);
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("input of " + length + " tokens is longer than the "
                    + config.maxPositions() + " learned positions");
        }
        NDManager scope = ids.getManager();
        NDArray words = lookup("word_embeddings", store, ids, training, params);                      // (B, T, H)
        NDArray positionIds = scope.arange(0, (int) length, 1, DataType.INT64);                       // (T)
        NDArray positions = lookup("position_embeddings", store, positionIds, training, params);      // (T, H)
        // Without token type ids every token is type 0: one row, broadcast over the batch.
        NDArray typeIds = inputs.size() > 1 ? inputs.get(1) : scope.zeros(new Shape(1), DataType.INT64);
        NDArray types = lookup("token_type_embeddings", store, typeIds, training, params);   // (B, T, H) or (1, H)
        NDArray summed = words.add(positions).add(types);
        return child("LayerNorm").forward(store, new NDList(summed), training, params);
    }

    private NDArray lookup(String table, ParameterStore store, NDArray ids, boolean training,
                           PairList<String, Object> params) {
        return child(table).forward(store, new NDList(ids), training, params).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (String table : new String[] {"word_embeddings", "position_embeddings", "token_type_embeddings"}) {
            child(table).initialize(manager, dataType, inputShapes[0]);
        }
        child("LayerNorm").initialize(manager, dataType, getOutputShapes(inputShapes));
    }
}
