package io.dsistream.models.serving;

import io.dsistream.models.ids.IdVocabulary;

/**
 * The semantic indexing module as a serving interface: a document embedding in, its ID (L codes) out. A quantizer
 * from a bootstrap or a trained ASI bundle implements it; an operator holds one per subtask.
 */
public interface IdAssigner extends AutoCloseable {

    /** The ID of each embedding, {@code [B][L]}, each code in {@code [0, V)}; independent of the other rows. */
    int[][] assign(float[][] embeddings);

    /** The ID space: L positions of V codes. */
    IdVocabulary vocabulary();

    /** The bundle's version, e.g. {@code scifact/v1}; carried on every assignment it makes. */
    String modelVersion();

    @Override
    void close();
}
