package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * BERT's input layer: word + position + token type embeddings, then LayerNorm (Hugging Face
 * {@code BertEmbeddings}, without dropout). Inputs {@code token ids (B, T)} and optionally
 * {@code token type ids (B, T)} (all zero when absent); output {@code (B, T, H)}.
 */
public final class BertEmbeddings extends BertModule {

    private final BertConfig config;
    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter tokenTypeEmbeddings;

    public BertEmbeddings(BertConfig config) {
        this.config = config;
        this.wordEmbeddings = addParameter(embeddingTable("word_embeddings.weight", config.vocabularySize()));
        this.positionEmbeddings = addParameter(embeddingTable("position_embeddings.weight", config.maxPositions()));
        this.tokenTypeEmbeddings = addParameter(embeddingTable("token_type_embeddings.weight",
                config.typeVocabularySize()));
        addNamedChild("LayerNorm", new BertLayerNorm(config.hiddenSize(), config.layerNormEpsilon()));
    }

    private Parameter embeddingTable(String name, int rows) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, config.hiddenSize())).optInitializer(new NormalInitializer(0.02f)).build();
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
        NDArray words = Embedding.embedding(ids, store.getValue(wordEmbeddings, ids.getDevice(), training),
                SparseFormat.DENSE).head();                                                            // (B, T, H)
        NDArray positions = store.getValue(positionEmbeddings, ids.getDevice(), training)
                .get(new NDIndex("0:{}", length));                                                    // (T, H)
        // A slice of a parameter belongs to the parameter's manager; hand it to the caller's scope, which
        // closes it, or every forward pass would leave it behind for the model's lifetime.
        positions.attach(ids.getManager());
        NDArray typeTable = store.getValue(tokenTypeEmbeddings, ids.getDevice(), training);
        NDArray types;
        if (inputs.size() > 1) {
            types = Embedding.embedding(inputs.get(1), typeTable, SparseFormat.DENSE).head();        // (B, T, H)
        } else {
            types = typeTable.get(0);                                                                 // (H)
            types.attach(ids.getManager());
        }
        NDArray summed = words.add(positions).add(types);
        return child("LayerNorm").forward(store, new NDList(summed), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        child("LayerNorm").initialize(manager, dataType, getOutputShapes(inputShapes));
    }
}
