package io.dsistream.models.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Retriever} over the queries of one split of a {@link BeirDataset} and scores it with
 * {@link RetrievalMetrics}. Immutable; the {@code with*} methods return changed copies.
 *
 * <p>Defaults mirror BEIR and Anserini's BEIR regressions: documents whose id equals the query id are
 * dropped from the ranking (BEIR's {@code ignore_identical_ids}, Anserini's {@code -removeQuery}; one more
 * document is requested so that the depth is still reached), and every query of the split counts in the
 * mean, a query with no results as 0 ({@code trec_eval -c}). The default depth, 100, is the deepest cutoff
 * reported (Recall@100).
 */
public final class Evaluation {

    public static final int DEFAULT_DEPTH = 100;
    public static final int DEFAULT_QUERY_BATCH_SIZE = 64;

    private final BeirDataset dataset;
    private final String split;
    private final int depth;
    private final int queryBatchSize;
    private final boolean ignoreIdenticalIds;
    private final boolean showProgress;

    /** Evaluation of {@code split} with the defaults above, progress shown on standard error. */
    public Evaluation(BeirDataset dataset, String split) {
        this(dataset, split, DEFAULT_DEPTH, DEFAULT_QUERY_BATCH_SIZE, true, true);
    }

    private Evaluation(BeirDataset dataset, String split, int depth, int queryBatchSize, boolean ignoreIdenticalIds,
                       boolean showProgress) {
        if (!dataset.hasSplit(split)) {
            throw new IllegalArgumentException("dataset " + dataset.directory() + " has no split '" + split
                    + "'; splits are " + dataset.splits());
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        if (queryBatchSize < 1) {
            throw new IllegalArgumentException("queryBatchSize must be >= 1, got " + queryBatchSize);
        }
        this.dataset = dataset;
        this.split = split;
        this.depth = depth;
        this.queryBatchSize = queryBatchSize;
        this.ignoreIdenticalIds = ignoreIdenticalIds;
        this.showProgress = showProgress;
    }

    /** How many documents to request per query (Anserini's regressions use 1000). */
    public Evaluation withDepth(int depth) {
        return new Evaluation(dataset, split, depth, queryBatchSize, ignoreIdenticalIds, showProgress);
    }

    /** How many queries go to one {@link Retriever#searchAll} call. */
    public Evaluation withQueryBatchSize(int queryBatchSize) {
        return new Evaluation(dataset, split, depth, queryBatchSize, ignoreIdenticalIds, showProgress);
    }

    /** Whether a document whose id equals the query id is dropped from the ranking. */
    public Evaluation withIgnoreIdenticalIds(boolean ignoreIdenticalIds) {
        return new Evaluation(dataset, split, depth, queryBatchSize, ignoreIdenticalIds, showProgress);
    }

    /** Whether progress lines go to standard error. */
    public Evaluation withProgress(boolean showProgress) {
        return new Evaluation(dataset, split, depth, queryBatchSize, ignoreIdenticalIds, showProgress);
    }

    /** Answers every query of the split with {@code retriever} and scores the rankings. */
    public EvaluationResult run(Retriever retriever) {
        List<BeirQuery> queries = dataset.queries(split);
        Qrels qrels = dataset.qrels(split);
        int requested = requestedDepth();
        ProgressReporter progress = ProgressReporter.of(showProgress, "answering " + split + " queries",
                "queries", queries.size());
        Map<String, Ranking> rankings = new LinkedHashMap<>();
        List<QueryMetrics> perQuery = new ArrayList<>(queries.size());
        for (int start = 0; start < queries.size(); start += queryBatchSize) {
            List<BeirQuery> batch = queries.subList(start, Math.min(start + queryBatchSize, queries.size()));
            List<String> texts = batch.stream().map(BeirQuery::text).toList();
            List<Ranking> answers = retriever.searchAll(texts, requested);
            if (answers.size() != batch.size()) {
                throw new IllegalStateException("retriever returned " + answers.size() + " rankings for "
                        + batch.size() + " queries");
            }
            for (int i = 0; i < batch.size(); i++) {
                String queryId = batch.get(i).id();
                Ranking ranking = cut(queryId, answers.get(i));
                rankings.put(queryId, ranking);
                perQuery.add(RetrievalMetrics.evaluate(queryId, ranking, qrels.judgments(queryId)));
            }
            progress.advance(batch.size());
        }
        progress.finish();
        return new EvaluationResult(split, rankings, perQuery, RetrievalMetrics.mean(perQuery));
    }

    /** How many documents {@link #run} asks a retriever for per query: the depth, plus one when identical ids are dropped. */
    public int requestedDepth() {
        return ignoreIdenticalIds ? depth + 1 : depth;
    }

    /**
     * Scores rankings obtained elsewhere (the streaming job's answers) exactly as {@link #run} scores its own: each
     * cut to the depth with the same rules, a query of the split with no ranking counting as empty.
     */
    public EvaluationResult score(Map<String, Ranking> answers) {
        Qrels qrels = dataset.qrels(split);
        Map<String, Ranking> rankings = new LinkedHashMap<>();
        List<QueryMetrics> perQuery = new ArrayList<>();
        for (BeirQuery query : dataset.queries(split)) {
            Ranking ranking = cut(query.id(), answers.getOrDefault(query.id(), Ranking.empty()));
            rankings.put(query.id(), ranking);
            perQuery.add(RetrievalMetrics.evaluate(query.id(), ranking, qrels.judgments(query.id())));
        }
        return new EvaluationResult(split, rankings, perQuery, RetrievalMetrics.mean(perQuery));
    }

    private Ranking cut(String queryId, Ranking ranking) {
        List<ScoredDoc> kept = new ArrayList<>(Math.min(depth, ranking.size()));
        for (ScoredDoc doc : RetrievalMetrics.trecEvalOrder(ranking.docs())) {
            if (kept.size() == depth) {
                break;
            }
            if (!(ignoreIdenticalIds && doc.docId().equals(queryId))) {
                kept.add(doc);
            }
        }
        return new Ranking(kept, ranking.docsScored());
    }
}
