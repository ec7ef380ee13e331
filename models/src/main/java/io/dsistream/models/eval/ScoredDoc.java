package io.dsistream.models.eval;

import java.util.Objects;

/**
 * A retrieved document and its score (higher is better). {@code semanticId} is the generated ID the document
 * was reached through (e.g. {@code "3.7.1.0"} for a DSI retriever), or null for retrievers that score
 * documents directly; it is carried into run files and per-query diagnostics, never into the metrics.
 */
public record ScoredDoc(String docId, float score, String semanticId) {

    public ScoredDoc {
        Objects.requireNonNull(docId, "docId");
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score of document '" + docId + "' is NaN");
        }
    }

    /** A document scored directly, with no semantic ID. */
    public ScoredDoc(String docId, float score) {
        this(docId, score, null);
    }
}
