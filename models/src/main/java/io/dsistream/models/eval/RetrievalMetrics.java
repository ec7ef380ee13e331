package io.dsistream.models.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval metrics with trec_eval's semantics (as pytrec_eval computes them for BEIR, and as Anserini's
 * regressions run {@code trec_eval -c}), so that figures here can be set beside published ones.
 *
 * <p>Ranking order: trec_eval ignores the ranks a run states and re-sorts each query's documents by score,
 * descending, breaking ties by document id in <em>descending</em> lexicographic order ({@code comp_sim_docno}
 * in trec_eval's {@code form_res_rels.c}: {@code strcmp(p2->docno, p1->docno)}). {@link #TREC_EVAL_ORDER}
 * mirrors that; ids are compared by Unicode code point, which is the byte order of their UTF-8 that
 * {@code strcmp} sees. Every metric here first puts the ranking in that order, so a retriever's own
 * tie-breaking does not matter. Scores are compared as the floats the retriever gave (trec_eval reads the
 * printed score; {@link TrecRunWriter} prints floats so that they read back exactly).
 *
 * <p>Relevance: a judgment's grade is its qrels score; a document is relevant when its grade is above 0
 * (trec_eval's default relevance level 1); unjudged documents have grade 0.
 * <ul>
 *   <li>nDCG@k ({@code ndcg_cut.k}): DCG = Σ_{r≤k} gain_r / log2(r + 1) with linear gain = grade, over the
 *       ranking; ideal DCG the same over the query's judged grades sorted descending, also cut at k; 0 when
 *       the query has no relevant document.</li>
 *   <li>MRR@k: 1 / rank of the first relevant document within the top k, else 0 ({@code recip_rank} on a
 *       run cut at k).</li>
 *   <li>Recall@k ({@code recall.k}): relevant documents in the top k / relevant documents judged; 0 when
 *       none are judged relevant.</li>
 *   <li>Hits@k (DSI's metric, {@code success.k}): 1 when a relevant document is in the top k, else 0.</li>
 * </ul>
 */
public final class RetrievalMetrics {

    /** trec_eval's ranking order: score descending, then document id descending. */
    public static final Comparator<ScoredDoc> TREC_EVAL_ORDER = (a, b) -> {
        // Plain comparisons as in trec_eval's C (so 0.0 and -0.0 tie), not Float.compare.
        if (a.score() > b.score()) {
            return -1;
        }
        if (a.score() < b.score()) {
            return 1;
        }
        return compareCodePoints(b.docId(), a.docId());
    };

    private RetrievalMetrics() {
    }

    /** A copy of {@code docs} in {@link #TREC_EVAL_ORDER}; throws on a duplicate document, as trec_eval does. */
    public static List<ScoredDoc> trecEvalOrder(List<ScoredDoc> docs) {
        Set<String> seen = new HashSet<>(docs.size() * 2);
        for (ScoredDoc doc : docs) {
            if (!seen.add(doc.docId())) {
                throw new IllegalArgumentException("document '" + doc.docId() + "' appears twice in one ranking");
            }
        }
        List<ScoredDoc> ordered = new ArrayList<>(docs);
        ordered.sort(TREC_EVAL_ORDER);
        return ordered;
    }

    /** All metrics of one query; {@code ranking} in any order. */
    public static QueryMetrics evaluate(String queryId, Ranking ranking, Map<String, Integer> judgments) {
        List<ScoredDoc> ordered = trecEvalOrder(ranking.docs());
        return new QueryMetrics(queryId,
                ndcgAt(ordered, judgments, 10),
                reciprocalRankAt(ordered, judgments, 10),
                recallAt(ordered, judgments, 10),
                recallAt(ordered, judgments, 100),
                hitsAt(ordered, judgments, 1),
                hitsAt(ordered, judgments, 10),
                ranking.docsScored());
    }

    /** nDCG@k with linear gains; {@code ordered} must already be in {@link #TREC_EVAL_ORDER}. */
    public static double ndcgAt(List<ScoredDoc> ordered, Map<String, Integer> judgments, int k) {
        requirePositive(k);
        double dcg = 0.0;
        int depth = Math.min(k, ordered.size());
        for (int i = 0; i < depth; i++) {
            int grade = judgments.getOrDefault(ordered.get(i).docId(), 0);
            if (grade > 0) {
                dcg += grade / log2(i + 2);  // 0-based i is rank i + 1
            }
        }
        int[] grades = judgments.values().stream().mapToInt(Integer::intValue).filter(g -> g > 0).toArray();
        Arrays.sort(grades);
        double idealDcg = 0.0;
        for (int i = 0; i < Math.min(k, grades.length); i++) {
            idealDcg += grades[grades.length - 1 - i] / log2(i + 2);
        }
        return idealDcg > 0.0 ? dcg / idealDcg : 0.0;
    }

    /** Reciprocal rank of the first relevant document within the top k, else 0. */
    public static double reciprocalRankAt(List<ScoredDoc> ordered, Map<String, Integer> judgments, int k) {
        requirePositive(k);
        int depth = Math.min(k, ordered.size());
        for (int i = 0; i < depth; i++) {
            if (isRelevant(ordered.get(i), judgments)) {
                return 1.0 / (i + 1);
            }
        }
        return 0.0;
    }

    /** Share of the query's relevant documents found in the top k; 0 when it has none. */
    public static double recallAt(List<ScoredDoc> ordered, Map<String, Integer> judgments, int k) {
        requirePositive(k);
        long relevant = judgments.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0.0;
        }
        int found = 0;
        int depth = Math.min(k, ordered.size());
        for (int i = 0; i < depth; i++) {
            if (isRelevant(ordered.get(i), judgments)) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    /** 1 when a relevant document is in the top k, else 0. */
    public static double hitsAt(List<ScoredDoc> ordered, Map<String, Integer> judgments, int k) {
        return reciprocalRankAt(ordered, judgments, k) > 0.0 ? 1.0 : 0.0;
    }

    /** Arithmetic means over {@code perQuery}; every query counts, including those with an empty ranking. */
    public static MetricSummary mean(Collection<QueryMetrics> perQuery) {
        int n = perQuery.size();
        if (n == 0) {
            return new MetricSummary(0, 0, 0, 0, 0, 0, 0, 0);
        }
        double ndcg = 0, mrr = 0, r10 = 0, r100 = 0, h1 = 0, h10 = 0, scored = 0;
        for (QueryMetrics m : perQuery) {
            ndcg += m.ndcgAt10();
            mrr += m.mrrAt10();
            r10 += m.recallAt10();
            r100 += m.recallAt100();
            h1 += m.hitsAt1();
            h10 += m.hitsAt10();
            scored += m.docsScored();
        }
        return new MetricSummary(ndcg / n, mrr / n, r10 / n, r100 / n, h1 / n, h10 / n, scored / n, n);
    }

    /** Compares ids the way C's strcmp compares their UTF-8 bytes. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static boolean isRelevant(ScoredDoc doc, Map<String, Integer> judgments) {
        return judgments.getOrDefault(doc.docId(), 0) > 0;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    private static void requirePositive(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("cutoff k must be >= 1, got " + k);
        }
    }
}
