package io.dsistream.schemas.query;

/**
 * A parsed query on its way through the async retrieve step, which fills in the plan: the query's embedding and
 * the candidate leaves with their decoder scores. A Flink POJO.
 */
public class QueryRequest {

    public String queryId;
    public String text;
    public int k;
    /** When the job read the query, epoch milliseconds; latency is measured from here. */
    public long receivedAtMillis;
    /** The query's pooled, L2-normalised embedding {@code [H]}; null until planned. */
    public float[] vector;
    /** Candidate leaf IDs ({@code a.b.c}), decoder beam first. */
    public String[] candidateLeaves;
    /** {@code log p(ID | q)} of each candidate leaf. */
    public double[] decoderScores;
    /** The quantizer's code log-probabilities {@code [L * V]}, position-major (ranks back-off leaves). */
    public float[] codeLogProbs;
    public String modelVersion;
    /** V, codes per ID position, of the model that planned the query (the trie's back-off walks codes 0..V-1). */
    public int codesPerPosition;
    /**
     * When &gt; 0 this is not a query but a model-update control record: plan with version N of the model from
     * here on. Queries queued before it finish on the version they started with.
     */
    public int switchToVersion;
    /**
     * A query: the index generation it was planned for. A control record: when &gt; 0, the generation to read from
     * here on, switched together with the version; 0 keeps the generation.
     */
    public int generation;
    /** True when planning failed or timed out; the query is answered empty and partial. */
    public boolean failed;
    public String error;

    public QueryRequest() {
    }

    public QueryRequest(String queryId, String text, int k, long receivedAtMillis) {
        this.queryId = queryId;
        this.text = text;
        this.k = k;
        this.receivedAtMillis = receivedAtMillis;
    }

    @Override
    public String toString() {
        return "QueryRequest{" + queryId + ", k=" + k + ", candidates="
                + (candidateLeaves == null ? 0 : candidateLeaves.length) + (failed ? ", failed: " + error : "") + "}";
    }
}
