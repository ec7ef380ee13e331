package io.dsistream.models.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance judgments of one split: for each query (in the order it first appears in the qrels file), the
 * graded score of each judged document. A score above 0 means relevant; 0 means judged not relevant.
 */
public final class Qrels {

    private final Map<String, Map<String, Integer>> byQuery;

    /** Takes a copy; the order of {@code byQuery} is kept. */
    public Qrels(Map<String, Map<String, Integer>> byQuery) {
        LinkedHashMap<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        byQuery.forEach((queryId, judgments) ->
                copy.put(queryId, Collections.unmodifiableMap(new LinkedHashMap<>(judgments))));
        this.byQuery = Collections.unmodifiableMap(copy);
    }

    /** Queries with at least one judgment, in file order. */
    public List<String> queryIds() {
        return List.copyOf(byQuery.keySet());
    }

    /** Judged documents of a query and their grades; empty when the query has none. */
    public Map<String, Integer> judgments(String queryId) {
        return byQuery.getOrDefault(queryId, Map.of());
    }

    /** All judgments, query by query. */
    public Map<String, Map<String, Integer>> asMap() {
        return byQuery;
    }

    /** Number of judged queries. */
    public int queryCount() {
        return byQuery.size();
    }

    /** Number of (query, document) judgments. */
    public int judgmentCount() {
        return byQuery.values().stream().mapToInt(Map::size).sum();
    }
}
