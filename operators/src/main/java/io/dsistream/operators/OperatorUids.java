package io.dsistream.operators;

/**
 * The stable uid of every operator of the job. State in a checkpoint or savepoint is matched to operators
 * by these strings: never rename one once a job has run with it; add a new one instead.
 */
public final class OperatorUids {

    public static final String DOCUMENTS_SOURCE = "documents-source";
    public static final String PARSE = "parse-documents";
    public static final String NORMALIZE = "normalize-text";
    public static final String ASYNC_ENCODE = "async-encode";
    public static final String ASSIGN_ID = "assign-id";
    public static final String FAILURE_INJECTION = "failure-injection";
    public static final String UPSERT_DELETE = "upsert-delete";
    public static final String TRIE_INDEX = "trie-index";
    public static final String BALANCE_MONITOR = "balance-monitor";
    public static final String ASSIGNMENTS_SINK = "docid-assignments-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String INDEX_HEALTH_SINK = "index-health-sink";
    public static final String QUERIES_SOURCE = "queries-source";
    public static final String PARSE_QUERIES = "parse-queries";
    public static final String ASYNC_RETRIEVE = "async-retrieve";
    public static final String SPLIT_BY_TRIE_KEY = "split-by-trie-key";
    public static final String GATHER = "gather";
    public static final String ANSWERS_SINK = "enriched-queries-sink";
    public static final String MODEL_UPDATES_SOURCE = "model-updates-source";
    public static final String PARSE_MODEL_UPDATES = "parse-model-updates";
    public static final String DOCUMENT_CONTROLS = "model-update-documents";
    public static final String QUERY_CONTROLS = "model-update-queries";
    public static final String FEEDBACK_SOURCE = "feedback-source";
    public static final String PARSE_FEEDBACK = "parse-feedback";
    public static final String TRAINER_MODEL_UPDATES = "trainer-model-updates";
    public static final String TRAINER_HEALTH_ALERTS = "trainer-health-alerts";
    public static final String TRAINER = "trainer";
    public static final String MODEL_UPDATES_SINK = "model-updates-sink";
    public static final String GENERATION_COORDINATOR = "generation-coordinator";
    public static final String GENERATION_UPDATES_SINK = "generation-updates-sink";

    private OperatorUids() {
    }
}
