package io.dsistream.schemas.query;

/**
 * One trie key's answer to a {@link LeafQuery}: its best documents (at most k, best first) and how many documents
 * it scored. Parallel arrays keep the record a flat POJO. A Flink POJO.
 */
public class LeafHits {

    public String queryId;
    public String[] docIds;
    public float[] scores;
    public String[] semanticIds;
    public long docsScored;

    public LeafHits() {
    }

    @Override
    public String toString() {
        return "LeafHits{" + queryId + ", " + (docIds == null ? 0 : docIds.length) + " hits of " + docsScored + "}";
    }
}
