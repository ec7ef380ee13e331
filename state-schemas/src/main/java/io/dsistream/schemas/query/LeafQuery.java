package io.dsistream.schemas.query;

/**
 * The part of a query that one trie key answers: the candidate leaves whose first codes are {@link #trieKey}, with
 * their decoder scores, and the query embedding for the dense term. A Flink POJO.
 */
public class LeafQuery {

    public String queryId;
    /** The trie key (the leaves' first codes) this part is routed to. */
    public String trieKey;
    public String[] leaves;
    public double[] decoderScores;
    public float[] vector;
    /** The query's code log-probabilities {@code [L * V]}, position-major (ranks back-off leaves). */
    public float[] codeLogProbs;
    public int k;
    /** V, codes per ID position, of the model that planned the query (the trie's back-off walks codes 0..V-1). */
    public int codesPerPosition;
    /** The index generation the query was planned for (part of {@link #trieKey}). */
    public int generation;

    public LeafQuery() {
    }

    @Override
    public String toString() {
        return "LeafQuery{" + queryId + " @ " + trieKey + ", " + (leaves == null ? 0 : leaves.length) + " leaves}";
    }
}
