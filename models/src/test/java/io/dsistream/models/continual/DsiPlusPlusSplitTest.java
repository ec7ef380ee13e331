package io.dsistream.models.continual;

import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DSI++ split: 60% + four 10% parts, queries in the latest part of their relevant documents. */
class DsiPlusPlusSplitTest {

    @TempDir
    Path directory;

    private BeirDataset dataset() throws IOException {
        StringBuilder corpus = new StringBuilder();
        for (int d = 0; d < 20; d++) {
            corpus.append("{\"_id\": \"d").append(d).append("\", \"title\": \"\", \"text\": \"document ").append(d)
                    .append("\"}\n");
        }
        Files.writeString(directory.resolve("corpus.jsonl"), corpus);
        StringBuilder queries = new StringBuilder();
        for (int q = 0; q < 20; q++) {
            queries.append("{\"_id\": \"q").append(q).append("\", \"text\": \"query ").append(q).append("\"}\n");
        }
        Files.writeString(directory.resolve("queries.jsonl"), queries);
        Files.createDirectories(directory.resolve("qrels"));
        StringBuilder train = new StringBuilder("query-id\tcorpus-id\tscore\n");
        StringBuilder test = new StringBuilder("query-id\tcorpus-id\tscore\n");
        for (int q = 0; q < 10; q++) {
            train.append("q").append(q).append("\td").append(q).append("\t1\n");
            // test query q10+i judges two documents, d_i and d_(i+10)
            test.append("q").append(10 + q).append("\td").append(q).append("\t1\n");
            test.append("q").append(10 + q).append("\td").append(q + 10).append("\t1\n");
        }
        Files.writeString(directory.resolve("qrels/train.tsv"), train);
        Files.writeString(directory.resolve("qrels/test.tsv"), test);
        return BeirDataset.load(directory);
    }

    @Test
    void sixtyPercentThenFourTenPercentPartsAndQueriesInTheLatestPart() throws IOException {
        DsiPlusPlusProtocol.Split split = DsiPlusPlusProtocol.split(dataset(), 0.6, 4, 0, 42L);
        assertEquals(List.of(12, 2, 2, 2, 2), List.of(split.part(0).size(), split.part(1).size(),
                split.part(2).size(), split.part(3).size(), split.part(4).size()));
        int testQueries = 0;
        for (int part = 0; part < 5; part++) {
            for (Map.Entry<String, Map<String, Integer>> query : DsiPlusPlusProtocol.Split.of(split.testByPart(), part)
                    .entrySet()) {
                int latest = query.getValue().keySet().stream().mapToInt(split.partOf()::get).max().orElseThrow();
                assertEquals(part, latest, query.getKey());
                assertEquals(2, query.getValue().size());
                testQueries++;
            }
            for (String query : DsiPlusPlusProtocol.Split.of(split.trainByPart(), part).keySet()) {
                int doc = Integer.parseInt(query.substring(1));
                assertEquals(part, split.partOf().get("d" + doc));
            }
        }
        assertEquals(10, testQueries, "every test query lands in one part");
        assertEquals(split.partOf(), DsiPlusPlusProtocol.split(dataset(), 0.6, 4, 0, 42L).partOf(), "seeded");
        assertNotEquals(split.partOf(), DsiPlusPlusProtocol.split(dataset(), 0.6, 4, 0, 7L).partOf());
    }

    @Test
    void aSubsetKeepsJudgedDocumentsFirstAndDropsJudgmentsOutsideIt() throws IOException {
        BeirDataset data = dataset();
        DsiPlusPlusProtocol.Split split = DsiPlusPlusProtocol.split(data, 0.6, 4, 10, 42L);
        assertEquals(10, split.documents().size());
        List<String> kept = new ArrayList<>(split.documents().stream().map(BeirDocument::id).toList());
        for (int part = 0; part < 5; part++) {
            for (Map<String, Integer> judgments : DsiPlusPlusProtocol.Split.of(split.testByPart(), part).values()) {
                assertTrue(kept.containsAll(judgments.keySet()), judgments + " inside " + kept);
            }
        }
    }
}
