package io.dsistream.models.training;

/** Where a (query-side text, document) training pair comes from. */
public enum PairSource {
    /** A train qrels judgment: a real query and a relevant document (DSI's retrieval task). */
    QRELS,
    /** DSI's indexing task: the document's first 32 tokens map to its own ID. */
    INDEXING,
    /** NAIL §4.1 independent cropping: a random span of the document stands for a query. */
    CROP,
    /** NAIL §4.1 inverse cloze: one sentence of the document stands for a query. */
    INVERSE_CLOZE
}
