package io.dsistream.models.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link Evaluation} run produced: each query's ranking (in the split's query order), each query's
 * metrics and their means.
 */
public record EvaluationResult(String split, Map<String, Ranking> rankings, List<QueryMetrics> perQuery,
                               MetricSummary metrics) {

    public EvaluationResult {
        rankings = Collections.unmodifiableMap(new LinkedHashMap<>(rankings));
        perQuery = List.copyOf(perQuery);
    }

    /** {@link MetricSummary#toFlatMap()} of the means. */
    public Map<String, Double> toFlatMap() {
        return metrics.toFlatMap();
    }
}
