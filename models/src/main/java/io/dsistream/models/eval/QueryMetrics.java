package io.dsistream.models.eval;

/** The metrics of one query; see {@link RetrievalMetrics} for their exact definitions. */
public record QueryMetrics(String queryId, double ndcgAt10, double mrrAt10, double recallAt10, double recallAt100,
                           double hitsAt1, double hitsAt10, long docsScored) {
}
