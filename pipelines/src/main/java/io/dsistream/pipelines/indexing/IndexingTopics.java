package io.dsistream.pipelines.indexing;

import java.util.List;

/** The Kafka topics of the job. */
public final class IndexingTopics {

    /** Input: {@code {id, title?, text, op: upsert|delete, ts?}}, keyed by document id. */
    public static final String DOCUMENTS = "documents";
    /** Output: {@code {docId, semanticId, modelVersion, op, ts}}, keyed by document id; exactly-once. */
    public static final String ASSIGNMENTS = "docid-assignments";
    /** Output: {@code {sourceTopic, partition, offset, reason, error, raw, ...}}. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** Output: a balance report every few seconds, {@code {ts, status, reasons, modelVersion, balance}}. */
    public static final String INDEX_HEALTH = "index-health";

    /** Input: {@code {id, text, k?, ts?}}. */
    public static final String QUERIES = "queries";
    /**
     * Output: {@code {queryId, text, results: [{docId, score, semanticId}], modelVersion, latencyMs, partial}}, keyed
     * by query id; same delivery guarantee as the assignments.
     */
    public static final String ENRICHED_QUERIES = "enriched-queries";

    /**
     * Input: {@code {model, version}}: serve that version of the model from the registry (hot swap). The trainer
     * writes here too when it publishes a version.
     */
    public static final String MODEL_UPDATES = "model-updates";

    /** Input: {@code {queryText, docId, label?, ts?}}: supervised pairs (clicks, judgements) for the trainer. */
    public static final String FEEDBACK = "feedback";

    public static final List<String> ALL = List.of(DOCUMENTS, ASSIGNMENTS, DEAD_LETTERS, INDEX_HEALTH, QUERIES,
            ENRICHED_QUERIES, MODEL_UPDATES, FEEDBACK);

    private IndexingTopics() {
    }
}
