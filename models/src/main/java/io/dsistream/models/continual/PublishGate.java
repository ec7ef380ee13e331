package io.dsistream.models.continual;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.RetrievalMetrics;
import io.dsistream.models.eval.Retriever;
import io.dsistream.models.eval.ScoredDoc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a continually trained candidate replaces the serving model (issue 7): both answer the same
 * held-back pairs (never trained on), scored by Recall@10 and nDCG@10 as {@link RetrievalMetrics} computes them;
 * the candidate is published only if its gate metric is not below the current one by more than {@code margin}.
 * Pairs of one query text are one query with all their documents relevant (grade 1).
 *
 * <pre>{@code
 * GateDecision decision = new PublishGate(PublishGate.RECALL_AT_10, 0.01).decide(current, candidate, heldBack);
 * if (decision.publish()) { registry.publish(...); }
 * }</pre>
 */
public final class PublishGate {

    public static final String RECALL_AT_10 = "recall@10";
    public static final String NDCG_AT_10 = "ndcg@10";
    private static final int DEPTH = 10;

    private final String metric;
    private final double margin;

    /**
     * @param metric {@link #RECALL_AT_10} or {@link #NDCG_AT_10}
     * @param margin the largest drop of the metric still published (absolute, e.g. 0.01 = one point), at least 0
     */
    public PublishGate(String metric, double margin) {
        if (!RECALL_AT_10.equals(metric) && !NDCG_AT_10.equals(metric)) {
            throw new IllegalArgumentException("gate metric must be recall@10 or ndcg@10, got " + metric);
        }
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("gate margin must be at least 0, got " + margin);
        }
        this.metric = metric;
        this.margin = margin;
    }

    public String metric() {
        return metric;
    }

    public double margin() {
        return margin;
    }

    /**
     * Scores both retrievers on {@code heldBack} and decides.
     *
     * @param current the serving model's retriever, or null when nothing is published yet (then the candidate is)
     */
    public GateDecision decide(Retriever current, Retriever candidate, List<FeedbackPair> heldBack) {
        GateScores currentScores = current == null ? null : score(current, heldBack);
        return decide(currentScores, score(candidate, heldBack));
    }

    /** Decides on scores computed elsewhere ({@link #score}). */
    public GateDecision decide(GateScores current, GateScores candidate) {
        if (current == null) {
            return new GateDecision(true, null, candidate, metric, margin, "no current model: publish");
        }
        if (candidate.queries() == 0) {
            return new GateDecision(true, current, candidate, metric, margin,
                    "no held-back pairs to compare on: publish");
        }
        double delta = candidate.metric(metric) - current.metric(metric);
        boolean publish = delta >= -margin - 1e-12;
        String reason = String.format(Locale.ROOT, "%s candidate %.4f vs current %.4f (%+.4f, margin %.4f): %s",
                metric, candidate.metric(metric), current.metric(metric), delta, margin,
                publish ? "publish" : "keep the current model");
        return new GateDecision(publish, current, candidate, metric, margin, reason);
    }

    /** Mean Recall@10 and nDCG@10 of {@code retriever} over the held-back queries. */
    public static GateScores score(Retriever retriever, List<FeedbackPair> heldBack) {
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        for (FeedbackPair pair : heldBack) {
            judgments.computeIfAbsent(pair.queryText(), q -> new LinkedHashMap<>()).put(pair.docId(), 1);
        }
        if (judgments.isEmpty()) {
            return new GateScores(0, 0, 0);
        }
        List<String> queries = new ArrayList<>(judgments.keySet());
        List<Ranking> rankings = retriever.searchAll(queries, DEPTH);
        double recall = 0;
        double ndcg = 0;
        for (int q = 0; q < queries.size(); q++) {
            List<ScoredDoc> ordered = RetrievalMetrics.trecEvalOrder(rankings.get(q).docs());
            Map<String, Integer> relevant = judgments.get(queries.get(q));
            recall += RetrievalMetrics.recallAt(ordered, relevant, DEPTH);
            ndcg += RetrievalMetrics.ndcgAt(ordered, relevant, DEPTH);
        }
        return new GateScores(recall / queries.size(), ndcg / queries.size(), queries.size());
    }
}
