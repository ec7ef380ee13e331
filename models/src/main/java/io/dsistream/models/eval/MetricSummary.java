package io.dsistream.models.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** Metrics averaged over a split's queries (trec_eval {@code -c}: a query with no results counts as 0). */
public record MetricSummary(double ndcgAt10, double mrrAt10, double recallAt10, double recallAt100,
                            double hitsAt1, double hitsAt10, double docsScoredPerQuery, int queries) {

    /**
     * The metrics under stable keys, in this order: {@code ndcg@10, mrr@10, recall@10, recall@100, hits@1,
     * hits@10, docs_scored_per_query, queries}; what model manifests and evaluation reports store.
     */
    public Map<String, Double> toFlatMap() {
        Map<String, Double> flat = new LinkedHashMap<>();
        flat.put("ndcg@10", ndcgAt10);
        flat.put("mrr@10", mrrAt10);
        flat.put("recall@10", recallAt10);
        flat.put("recall@100", recallAt100);
        flat.put("hits@1", hitsAt1);
        flat.put("hits@10", hitsAt10);
        flat.put("docs_scored_per_query", docsScoredPerQuery);
        flat.put("queries", (double) queries);
        return flat;
    }
}
