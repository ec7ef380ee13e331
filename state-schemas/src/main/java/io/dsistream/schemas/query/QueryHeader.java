package io.dsistream.schemas.query;

/**
 * What the gatherer needs to finish a query: how many {@link LeafHits} parts to wait for, k, the text to echo,
 * the model version, and when the query was read. A Flink POJO.
 */
public class QueryHeader {

    public String queryId;
    public String text;
    public int k;
    /** Number of {@link LeafQuery} parts sent to the trie; 0 answers at once. */
    public int parts;
    public long receivedAtMillis;
    public String modelVersion;
    /** True when planning failed: the answer is empty and partial. */
    public boolean failed;

    public QueryHeader() {
    }

    @Override
    public String toString() {
        return "QueryHeader{" + queryId + ", parts=" + parts + (failed ? ", failed" : "") + "}";
    }
}
