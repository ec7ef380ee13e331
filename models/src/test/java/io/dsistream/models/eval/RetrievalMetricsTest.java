package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrievalMetricsTest {

    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    private static Ranking ranking(Object... idScorePairs) {
        List<ScoredDoc> docs = new ArrayList<>();
        for (int i = 0; i < idScorePairs.length; i += 2) {
            docs.add(new ScoredDoc((String) idScorePairs[i], ((Number) idScorePairs[i + 1]).floatValue()));
        }
        return new Ranking(docs, 42);
    }

    @Test
    void gradedJudgmentsWithSeveralRelevantDocuments() {
        // d1 grade 2, d2 and d4 grade 1, d3 judged not relevant; d5 unjudged.
        Map<String, Integer> qrels = Map.of("d1", 2, "d2", 1, "d3", 0, "d4", 1);
        QueryMetrics m = RetrievalMetrics.evaluate("q", ranking("d3", 0.9, "d2", 0.8, "d1", 0.7, "d5", 0.6), qrels);

        // DCG = 0 + 1/log2(3) + 2/log2(4) = 1.630930; ideal = 2 + 1/log2(3) + 1/log2(4) = 3.130930.
        assertEquals((1 / LOG2_3 + 2 / 2.0) / (2 + 1 / LOG2_3 + 1 / 2.0), m.ndcgAt10(), 1e-12);
        assertEquals(0.520909, m.ndcgAt10(), 1e-6);
        assertEquals(0.5, m.mrrAt10(), 1e-12);          // first relevant doc (d2) at rank 2
        assertEquals(2.0 / 3.0, m.recallAt10(), 1e-12); // d2, d1 of d1, d2, d4
        assertEquals(2.0 / 3.0, m.recallAt100(), 1e-12);
        assertEquals(0.0, m.hitsAt1());
        assertEquals(1.0, m.hitsAt10());
        assertEquals(42, m.docsScored());
    }

    @Test
    void higherGradeFirstGivesPerfectNdcg() {
        Map<String, Integer> qrels = Map.of("a", 3, "b", 1);
        assertEquals(1.0, RetrievalMetrics.evaluate("q", ranking("a", 2, "b", 1), qrels).ndcgAt10(), 1e-12);
        // Swapped: DCG = 1 + 3/log2(3) = 2.892789; ideal = 3 + 1/log2(3) = 3.630930; 0.796708.
        double swapped = RetrievalMetrics.evaluate("q", ranking("b", 2, "a", 1), qrels).ndcgAt10();
        assertEquals((1 + 3 / LOG2_3) / (3 + 1 / LOG2_3), swapped, 1e-12);
        assertEquals(0.796708, swapped, 1e-6);
    }

    @Test
    void tiesAreBrokenByDocumentIdDescendingAsTrecEvalDoes() {
        Map<String, Integer> qrels = Map.of("a", 1);
        // "a" and "b" tie at 1.0: trec_eval ranks "b" first whatever order the run lists them in.
        for (Ranking r : List.of(ranking("a", 1.0, "b", 1.0, "c", 0.5), ranking("c", 0.5, "b", 1.0, "a", 1.0))) {
            QueryMetrics m = RetrievalMetrics.evaluate("q", r, qrels);
            assertEquals(0.5, m.mrrAt10(), 1e-12);
            assertEquals(0.0, m.hitsAt1());
            assertEquals(1 / LOG2_3, m.ndcgAt10(), 1e-12);
        }
        // Lexicographic, not numeric: "9" > "10", so "9" comes first.
        List<ScoredDoc> ordered = RetrievalMetrics.trecEvalOrder(ranking("10", 1, "9", 1, "100", 2).docs());
        assertEquals(List.of("100", "9", "10"), ordered.stream().map(ScoredDoc::docId).toList());
    }

    @Test
    void tieAtTheCutoffDecidesWhoIsInTheTopTen() {
        // Nine non-relevant docs above, then "r" (relevant) and "s" tied for rank 10: "s" wins the tie.
        List<ScoredDoc> docs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            docs.add(new ScoredDoc("n" + i, 10 - i));
        }
        docs.add(new ScoredDoc("r", 0.5f));
        docs.add(new ScoredDoc("s", 0.5f));
        QueryMetrics m = RetrievalMetrics.evaluate("q", new Ranking(docs, 11), Map.of("r", 1));
        assertEquals(0.0, m.recallAt10());
        assertEquals(0.0, m.mrrAt10());
        assertEquals(0.0, m.ndcgAt10());
        assertEquals(1.0, m.recallAt100());
    }

    @Test
    void idealDcgIsCutAtTenToo() {
        Map<String, Integer> qrels = new HashMap<>();
        List<ScoredDoc> docs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            qrels.put("d" + i, 1);
            docs.add(new ScoredDoc("d" + i, 100 - i));
        }
        QueryMetrics m = RetrievalMetrics.evaluate("q", new Ranking(docs, 12), qrels);
        assertEquals(1.0, m.ndcgAt10(), 1e-12);
        assertEquals(10.0 / 12.0, m.recallAt10(), 1e-12);
        assertEquals(1.0, m.recallAt100(), 1e-12);
        assertEquals(1.0, m.mrrAt10());
        assertEquals(1.0, m.hitsAt1());
    }

    @Test
    void queriesWithoutResultsOrRelevantDocumentsScoreZero() {
        QueryMetrics empty = RetrievalMetrics.evaluate("q1", Ranking.empty(), Map.of("a", 1));
        QueryMetrics noRelevant = RetrievalMetrics.evaluate("q2", ranking("a", 1), Map.of("a", 0));
        for (QueryMetrics m : List.of(empty, noRelevant)) {
            assertEquals(0.0, m.ndcgAt10());
            assertEquals(0.0, m.mrrAt10());
            assertEquals(0.0, m.recallAt10());
            assertEquals(0.0, m.recallAt100());
            assertEquals(0.0, m.hitsAt10());
        }
    }

    @Test
    void meanCountsEveryQueryIncludingEmptyOnes() {
        QueryMetrics perfect = RetrievalMetrics.evaluate("q1", new Ranking(List.of(new ScoredDoc("a", 1)), 10),
                Map.of("a", 1));
        QueryMetrics empty = RetrievalMetrics.evaluate("q2", Ranking.empty(), Map.of("b", 1));
        MetricSummary mean = RetrievalMetrics.mean(List.of(perfect, empty));
        assertEquals(0.5, mean.ndcgAt10(), 1e-12);
        assertEquals(0.5, mean.mrrAt10(), 1e-12);
        assertEquals(0.5, mean.hitsAt1(), 1e-12);
        assertEquals(5.0, mean.docsScoredPerQuery(), 1e-12);
        assertEquals(2, mean.queries());
        assertEquals(List.of("ndcg@10", "mrr@10", "recall@10", "recall@100", "hits@1", "hits@10",
                "docs_scored_per_query", "queries"), List.copyOf(mean.toFlatMap().keySet()));
        assertEquals(2.0, mean.toFlatMap().get("queries"));
    }

    @Test
    void duplicateDocumentInARankingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.evaluate("q", ranking("a", 1, "a", 0.5), Map.of("a", 1)));
        assertTrue(e.getMessage().contains("'a'"));
    }

    @Test
    void idsCompareByCodePointLikeStrcmpOnUtf8() {
        String replacementChar = "\uFFFD";      // U+FFFD, UTF-8 EF BF BD
        String emoji = "\uD83D\uDE00";          // U+1F600, UTF-8 F0 9F 98 80
        assertTrue(replacementChar.compareTo(emoji) > 0, "UTF-16 order differs");
        assertTrue(RetrievalMetrics.compareCodePoints(replacementChar, emoji) < 0);
        assertTrue(RetrievalMetrics.compareCodePoints("ab", "abc") < 0);
        assertEquals(0, RetrievalMetrics.compareCodePoints("abc", "abc"));
    }
}
