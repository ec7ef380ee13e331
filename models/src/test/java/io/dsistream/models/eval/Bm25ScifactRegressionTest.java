package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BM25 on the full SciFact test split (300 queries, 5183 documents), pinned to four decimals like Anserini's
 * regressions. Reproduce with
 * {@code mvn -o -B -q -pl models test -Dtest=Bm25ScifactRegressionTest}.
 */
class Bm25ScifactRegressionTest {

    /** Anserini's BEIR regression (beir-v1.0.0-scifact.flat, -bm25 -removeQuery -hits 1000), nDCG@10. */
    private static final double ANSERINI_NDCG_AT_10 = 0.6789;

    @Test
    void scifactTestSplitMatchesPinnedFigures() throws Exception {
        Path scifact = Path.of(System.getProperty("dsi.shared.dir", "/work/shared"), "data", "scifact");
        assumeTrue(Files.isRegularFile(scifact.resolve("corpus.jsonl")), "SciFact not found at " + scifact);
        BeirDataset dataset = BeirDataset.load(scifact);
        EvaluationResult result;
        try (Bm25Retriever bm25 = new Bm25Retriever(dataset.corpus())) {
            result = new Evaluation(dataset, "test").withDepth(1000).withProgress(false).run(bm25);
        }
        Map<String, Double> metrics = result.toFlatMap();
        System.out.println("BM25 SciFact test: " + metrics);

        assertEquals(300.0, metrics.get("queries"));
        assertEquals(ANSERINI_NDCG_AT_10, metrics.get("ndcg@10"), 0.01, "within 0.01 of Anserini");
        // Pinned figures of this implementation (Lucene 9.12.2), four decimals.
        assertEquals(0.6789, metrics.get("ndcg@10"), 5e-5);
        assertEquals(0.9253, metrics.get("recall@100"), 5e-5);
        assertEquals(0.6457, metrics.get("mrr@10"), 5e-5);
        assertEquals(0.8038, metrics.get("recall@10"), 5e-5);
        assertEquals(0.5533, metrics.get("hits@1"), 5e-5);
        assertEquals(0.8233, metrics.get("hits@10"), 5e-5);
        // Documents sharing at least one term with the query, summed over the 300 queries.
        assertEquals(829_702 / 300.0, metrics.get("docs_scored_per_query"), 1e-9);
    }
}
