package io.dsistream.models.serving;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.ids.IdVocabulary;

import java.util.Objects;

/**
 * An {@link IdAssigner} over a {@link SemanticQuantizer}: the argmax code per position (ASI++ §2.1, inference
 * mode, so a document's ID does not depend on its batch-mates). Owns the quantizer and its manager.
 * One thread at a time.
 */
public final class QuantizerIdAssigner implements IdAssigner {

    private final NDManager manager;
    private final SemanticQuantizer quantizer;
    private final String modelVersion;
    private final IdVocabulary vocabulary;

    /** Takes ownership of {@code manager} and {@code quantizer}: {@link #close()} closes both. */
    public QuantizerIdAssigner(NDManager manager, SemanticQuantizer quantizer, String modelVersion) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        this.modelVersion = Objects.requireNonNull(modelVersion, "modelVersion");
        this.vocabulary = new IdVocabulary(quantizer.options().positions(), quantizer.options().codesPerPosition());
    }

    @Override
    public int[][] assign(float[][] embeddings) {
        return quantizer.assign(embeddings);
    }

    @Override
    public IdVocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public String modelVersion() {
        return modelVersion;
    }

    /** The quantizer's dimension H, which embeddings must have. */
    public int dimension() {
        return quantizer.options().dimension();
    }

    @Override
    public void close() {
        quantizer.close();
        manager.close();
    }
}
