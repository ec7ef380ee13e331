package io.dsistream.operators.indexing;

/** Metric names of the indexing operators (public: dashboards, tests and the demo read them). */
public final class IndexingMetrics {

    /** Counter: records read from the documents topic. */
    public static final String DOCUMENTS_IN = "documentsIn";
    /** Group of counters, one per {@link io.dsistream.schemas.RejectReason} in lower case. */
    public static final String DEAD_LETTERS_GROUP = "deadLetters";
    /** Counter: dead letters of every reason, at the operator that produced them. */
    public static final String DEAD_LETTERED = "deadLettered";
    /** Counter: texts cut to the configured maximum before tokenisation. */
    public static final String TEXTS_TRUNCATED = "textsTruncated";
    /** Counter: encoder passes; and gauge: mean requests per pass. */
    public static final String ENCODE_BATCHES = "encodeBatches";
    public static final String ENCODE_MEAN_BATCH = "encodeMeanBatchSize";
    /** Counter: requests that hit the async timeout. */
    public static final String ENCODE_TIMEOUTS = "encodeTimeouts";
    /** Counter: re-sent documents identical to what the index holds. */
    public static final String NO_OPS = "noOps";
    /** Counter: documents replaced by a changed re-send. */
    public static final String REPLACED = "replaced";
    /** Counter: deletes applied. */
    public static final String DELETED = "deleted";
    /** Counter: documents added to a leaf by the trie. */
    public static final String INDEXED = "indexed";
    /** Gauge group of the balance figures (the keys of {@code BalanceReport.toMap()}). */
    public static final String BALANCE_GROUP = "balance";
    /** Gauge: the model bundle version the IDs come from. */
    public static final String MODEL_VERSION = "modelVersion";
    /** Counter: model versions switched to after a model-update event. */
    public static final String MODEL_SWAPS = "modelSwaps";
    /** Counter: model-update events whose version could not be loaded (the operator stays on its version). */
    public static final String MODEL_SWAP_FAILURES = "modelSwapFailures";
    /** Counter: model-update events for another model name, ignored. */
    public static final String MODEL_UPDATES_IGNORED = "modelUpdatesIgnored";
    /**
     * Gauge: the number N of the model version {@code name/vN} (0 before the first document). Prometheus carries only
     * numbers: its reporter cannot export the {@link #MODEL_VERSION} string.
     */
    public static final String MODEL_VERSION_NUMBER = "modelVersionNumber";
    /** Gauge: the index generation documents are indexed into (upsert/delete) or queries read (async retrieve). */
    public static final String INDEX_GENERATION = "indexGeneration";
    /** Gauge: 1 while a new index generation is being built, else 0. */
    public static final String GENERATION_BUILDING = "generationBuilding";
    /** Counter: documents re-assigned into a new index generation. */
    public static final String DOCUMENTS_REASSIGNED = "documentsReassigned";
    /** Counter: documents a build could not re-assign (indexed before documents kept their vector). */
    public static final String DOCUMENTS_NOT_REASSIGNED = "documentsNotReassigned";
    /** Counter: generation events that do not fit the generations held (e.g. a build while one runs), ignored. */
    public static final String GENERATION_EVENTS_IGNORED = "generationEventsIgnored";
    /** Counter: generations the coordinator announced ready. */
    public static final String GENERATIONS_READY = "generationsReady";
    /** Gauge: index generations the trie holds documents in (2 during a build and until the old one is dropped). */
    public static final String GENERATIONS_HELD = "generationsHeld";
    /** Counter: index-health reports emitted. */
    public static final String HEALTH_REPORTS = "healthReports";

    private IndexingMetrics() {
    }
}
