package io.dsistream.models.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Anything that answers a text query with a ranked list of corpus documents: the BM25 and dense baselines
 * and the generative (DSI) retrievers alike, so that one {@link Evaluation} scores them all. Implementations
 * document whether they are thread-safe; {@link Evaluation} calls them from one thread.
 */
public interface Retriever extends AutoCloseable {

    /** The best {@code k} documents for {@code queryText}, best first; fewer when fewer match. */
    Ranking search(String queryText, int k);

    /**
     * One ranking per query, in input order. The default answers one query at a time; retrievers that gain
     * from batching (one encoder forward pass for many queries) override it.
     */
    default List<Ranking> searchAll(List<String> queryTexts, int k) {
        List<Ranking> rankings = new ArrayList<>(queryTexts.size());
        for (String queryText : queryTexts) {
            rankings.add(search(queryText, k));
        }
        return rankings;
    }

    /** Releases indexes or native resources; the default holds none. */
    @Override
    default void close() {
    }
}
