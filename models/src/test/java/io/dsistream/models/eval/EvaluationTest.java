package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluationTest {

    @TempDir
    Path dir;

    /** Answers from a fixed table keyed by query text; records the k it was asked for. */
    private static final class TableRetriever implements Retriever {
        final Map<String, Ranking> table;
        final List<Integer> requestedK = new ArrayList<>();

        TableRetriever(Map<String, Ranking> table) {
            this.table = table;
        }

        @Override
        public Ranking search(String queryText, int k) {
            requestedK.add(k);
            Ranking full = table.getOrDefault(queryText, Ranking.empty());
            return new Ranking(full.docs().subList(0, Math.min(k, full.size())), full.docsScored());
        }
    }

    private BeirDataset dataset() throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id": "1", "text": "one"}
                {"_id": "2", "text": "two"}
                {"_id": "3", "text": "three"}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "1", "text": "first"}
                {"_id": "q2", "text": "second"}
                """);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n1\t2\t1\nq2\t3\t1\n");
        return BeirDataset.load(dir);
    }

    @Test
    void scoresEveryQueryAndDropsTheQueryItself() throws IOException {
        // Query "1" retrieves document "1" first: BEIR and Anserini drop it, so "2" (relevant) is rank 1.
        TableRetriever retriever = new TableRetriever(Map.of(
                "first", new Ranking(List.of(new ScoredDoc("1", 3), new ScoredDoc("2", 2), new ScoredDoc("3", 1)), 3)));
        EvaluationResult result = new Evaluation(dataset(), "test").withDepth(2).withQueryBatchSize(1)
                .withProgress(false).run(retriever);

        assertEquals(List.of(3, 3), retriever.requestedK, "depth + 1 requested to make up for the dropped doc");
        assertEquals(List.of("2", "3"), result.rankings().get("1").docs().stream().map(ScoredDoc::docId).toList());
        assertEquals(0, result.rankings().get("q2").size());
        assertEquals(1.0, result.perQuery().get(0).ndcgAt10(), 1e-12);
        // "second" has no answer: it counts as 0 in every mean.
        Map<String, Double> flat = result.toFlatMap();
        assertEquals(0.5, flat.get("ndcg@10"), 1e-12);
        assertEquals(0.5, flat.get("mrr@10"), 1e-12);
        assertEquals(0.5, flat.get("recall@100"), 1e-12);
        assertEquals(0.5, flat.get("hits@1"), 1e-12);
        assertEquals(1.5, flat.get("docs_scored_per_query"), 1e-12);
        assertEquals(2.0, flat.get("queries"));
    }

    @Test
    void keepingIdenticalIdsKeepsTheQueryDocument() throws IOException {
        TableRetriever retriever = new TableRetriever(Map.of(
                "first", new Ranking(List.of(new ScoredDoc("1", 3), new ScoredDoc("2", 2)), 2)));
        EvaluationResult result = new Evaluation(dataset(), "test").withIgnoreIdenticalIds(false)
                .withProgress(false).run(retriever);
        assertEquals(List.of(100, 100), retriever.requestedK);
        assertEquals(0.5, result.perQuery().get(0).mrrAt10(), 1e-12);
    }

    @Test
    void unknownSplitIsRefused() throws IOException {
        BeirDataset dataset = dataset();
        assertThrows(IllegalArgumentException.class, () -> new Evaluation(dataset, "dev"));
    }
}
