package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BeirDatasetTest {

    @TempDir
    Path dir;

    private static final String CORPUS = """
            {"_id": "d2", "title": "Zinc", "text": "Zinc helps wounds heal.", "metadata": {}}
            {"_id": "d1", "title": "", "text": "Vitamin C and colds."}

            {"_id": "d3", "text": "No title field at all."}
            """;
    private static final String QUERIES = """
            {"_id": "q1", "text": "does zinc heal wounds", "metadata": {"x": 1}}
            {"_id": "q2", "text": "vitamin c colds"}
            {"_id": "q3", "text": "unjudged query"}
            """;
    // CRLF line ends as BEIR's own files have them; graded scores.
    private static final String TEST_QRELS = "query-id\tcorpus-id\tscore\r\nq2\td1\t2\r\nq1\td2\t1\r\nq1\td3\t0\r\n";
    private static final String TRAIN_QRELS = "query-id\tcorpus-id\tscore\nq3\td3\t1\n";

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private void writeGoodDataset() throws IOException {
        write("corpus.jsonl", CORPUS);
        write("queries.jsonl", QUERIES);
        write("qrels/test.tsv", TEST_QRELS);
        write("qrels/train.tsv", TRAIN_QRELS);
    }

    @Test
    void loadsCorpusQueriesAndSplits() throws IOException {
        writeGoodDataset();
        BeirDataset dataset = BeirDataset.load(dir);

        assertEquals(List.of("d2", "d1", "d3"), dataset.corpus().stream().map(BeirDocument::id).toList());
        assertEquals(new BeirDocument("d2", "Zinc", "Zinc helps wounds heal."), dataset.document("d2"));
        assertEquals("Zinc Zinc helps wounds heal.", dataset.document("d2").flatText());
        assertEquals("Vitamin C and colds.", dataset.document("d1").flatText());
        assertEquals("", dataset.document("d3").title());
        assertTrue(dataset.hasDocument("d3"));
        assertFalse(dataset.hasDocument("d9"));

        assertEquals(Set.of("test", "train"), dataset.splits());
        assertTrue(dataset.hasSplit("test"));
        assertFalse(dataset.hasSplit("dev"));
        assertEquals(3, dataset.queries().size());

        // Queries of a split are those judged in it, in qrels order; q3 is judged only in train.
        assertEquals(List.of(new BeirQuery("q2", "vitamin c colds"), new BeirQuery("q1", "does zinc heal wounds")),
                dataset.queries("test"));
        Qrels test = dataset.qrels("test");
        assertEquals(Map.of("d1", 2), test.judgments("q2"));
        assertEquals(Map.of("d2", 1, "d3", 0), test.judgments("q1"));
        assertEquals(3, test.judgmentCount());
        assertEquals(List.of(new BeirQuery("q3", "unjudged query")), dataset.queries("train"));
        assertThrows(IllegalArgumentException.class, () -> dataset.qrels("dev"));
    }

    private DatasetFormatException loadFails() {
        return assertThrows(DatasetFormatException.class, () -> BeirDataset.load(dir));
    }

    private static void assertNames(DatasetFormatException e, String fileName, int line, String fragment) {
        assertEquals(fileName, e.file().getFileName().toString(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        if (line > 0) {
            assertTrue(e.getMessage().contains(":" + line + ":"), e.getMessage());
        }
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        write("queries.jsonl", QUERIES);
        write("qrels/test.tsv", TEST_QRELS);
        assertNames(loadFails(), "corpus.jsonl", 0, "not found");

        write("corpus.jsonl", CORPUS);
        Files.delete(dir.resolve("queries.jsonl"));
        assertNames(loadFails(), "queries.jsonl", 0, "not found");

        write("queries.jsonl", QUERIES);
        Files.delete(dir.resolve("qrels/test.tsv"));
        assertNames(loadFails(), "qrels", 0, "no <split>.tsv");
    }

    @Test
    void malformedJsonLineIsNamed() throws IOException {
        writeGoodDataset();
        write("corpus.jsonl", CORPUS.replace("{\"_id\": \"d3\"", "{\"_id\": \"d3\" oops"));
        assertNames(loadFails(), "corpus.jsonl", 4, "not valid JSON");
    }

    @Test
    void missingIdOrTextIsNamed() throws IOException {
        writeGoodDataset();
        write("corpus.jsonl", CORPUS.replace("{\"_id\": \"d1\", ", "{"));
        assertNames(loadFails(), "corpus.jsonl", 2, "\"_id\"");

        write("corpus.jsonl", CORPUS);
        write("queries.jsonl", QUERIES.replace("\"text\": \"vitamin c colds\"", "\"body\": \"x\""));
        assertNames(loadFails(), "queries.jsonl", 2, "\"text\"");
    }

    @Test
    void duplicateDocumentIdIsNamed() throws IOException {
        writeGoodDataset();
        write("corpus.jsonl", CORPUS + "{\"_id\": \"d1\", \"text\": \"again\"}\n");
        assertNames(loadFails(), "corpus.jsonl", 5, "duplicate");
    }

    @Test
    void qrelsIdsAbsentFromCorpusOrQueriesAreNamed() throws IOException {
        writeGoodDataset();
        write("qrels/test.tsv", TEST_QRELS.replace("q1\td3", "q1\td404"));
        assertNames(loadFails(), "test.tsv", 4, "corpus-id 'd404'");

        write("qrels/test.tsv", TEST_QRELS.replace("q2\td1", "q404\td1"));
        assertNames(loadFails(), "test.tsv", 2, "query-id 'q404'");
    }

    @Test
    void malformedQrelsLinesAreNamed() throws IOException {
        writeGoodDataset();
        write("qrels/test.tsv", TEST_QRELS.replace("q1\td2\t1", "q1\td2\thigh"));
        assertNames(loadFails(), "test.tsv", 3, "not an integer");

        write("qrels/test.tsv", TEST_QRELS.replace("q1\td2\t1", "q1 d2 1"));
        assertNames(loadFails(), "test.tsv", 3, "3 tab-separated columns");

        write("qrels/test.tsv", "q2\td1\t2\n");
        assertNames(loadFails(), "test.tsv", 1, "header");

        write("qrels/test.tsv", TEST_QRELS + "q2\td1\t1\r\n");
        assertNames(loadFails(), "test.tsv", 5, "duplicate judgment");
    }
}
