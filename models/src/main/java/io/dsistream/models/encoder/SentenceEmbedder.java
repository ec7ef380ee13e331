package io.dsistream.models.encoder;

import java.util.List;

/** Turns texts into L2-normalised sentence vectors; what dense retrieval and ID assignment need of an encoder. */
public interface SentenceEmbedder {

    /** Width of every vector {@link #embed} returns. */
    int dimension();

    /** One L2-normalised vector per text, in input order; {@code (B, H)}. Texts longer than the maximum length are truncated. */
    float[][] embed(List<String> texts);

    /**
     * Vectors for search queries, which some models embed with an instruction before the text (bge); by default
     * the same as {@link #embed}.
     */
    default float[][] embedQueries(List<String> queries) {
        return embed(queries);
    }
}
