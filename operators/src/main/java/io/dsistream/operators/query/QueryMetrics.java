package io.dsistream.operators.query;

/** Metric names of the query operators (public: dashboards, tests and the demo read them). */
public final class QueryMetrics {

    /** Counter: records read from the queries topic. */
    public static final String QUERIES_IN = "queriesIn";
    /** Counter: queries whose k lay outside [1, 1000] and was clamped. */
    public static final String K_CLAMPED = "kClamped";
    /** Histogram: candidate leaf IDs the model proposed per query. */
    public static final String CANDIDATES = "candidatesPerQuery";
    /** Gauge: queries inside the async retrieve operator (queued or being planned), per subtask. */
    public static final String QUEUE_OCCUPANCY = "asyncQueueOccupancy";
    /** Counter: queries whose plan hit the async timeout or failed. */
    public static final String PLAN_FAILURES = "planFailures";
    /** Histogram: milliseconds from reading a query to emitting its answer. */
    public static final String LATENCY = "queryLatencyMs";
    /** Histogram: documents scored per query, over all its parts. */
    public static final String DOCS_SCORED = "docsScoredPerQuery";
    /** Counter: answers emitted. */
    public static final String ANSWERED = "queriesAnswered";
    /** Counter: answers emitted before every part arrived, or after a failed plan. */
    public static final String PARTIAL = "partialResults";
    /** Counter: parts that arrived after their query was answered (dropped). */
    public static final String LATE_PARTS = "lateParts";
    /** Counter: queries whose id was answered moments before (within the gatherer's retention); not answered again. */
    public static final String REPEATED_IDS = "repeatedQueryIds";
    /** Counter: leaf lookups answered by the trie operator. */
    public static final String LEAF_LOOKUPS = "leafLookups";

    /** Samples kept by each histogram (a sliding window). */
    static final int HISTOGRAM_WINDOW = 1024;

    private QueryMetrics() {
    }
}
