package io.dsistream.models.training;

import io.dsistream.models.eval.BeirDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingDataTest {

    @TempDir
    Path directory;

    /** 6 documents, 10 train queries (q0..q9 → d(i mod 6)), 2 test queries; the test ones must never appear. */
    static BeirDataset tinyDataset(Path directory, boolean withTrain) throws IOException {
        StringBuilder corpus = new StringBuilder();
        for (int d = 0; d < 6; d++) {
            corpus.append("{\"_id\": \"d").append(d).append("\", \"title\": \"Title ").append(d)
                    .append("\", \"text\": \"Document ").append(d).append(" talks about topic ").append(d)
                    .append(" at some length. It has a second sentence here. And a third one for cloze.\"}\n");
        }
        StringBuilder queries = new StringBuilder();
        StringBuilder train = new StringBuilder("query-id\tcorpus-id\tscore\n");
        for (int q = 0; q < 10; q++) {
            queries.append("{\"_id\": \"q").append(q).append("\", \"text\": \"what about topic ").append(q % 6)
                    .append("\"}\n");
            train.append('q').append(q).append("\td").append(q % 6).append("\t1\n");
        }
        queries.append("{\"_id\": \"t0\", \"text\": \"TEST QUERY zero\"}\n{\"_id\": \"t1\", \"text\": \"TEST QUERY one\"}\n");
        Files.createDirectories(directory.resolve("qrels"));
        Files.writeString(directory.resolve("corpus.jsonl"), corpus, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("queries.jsonl"), queries, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nt0\td0\t1\nt1\td1\t1\n");
        if (withTrain) {
            Files.writeString(directory.resolve("qrels/train.tsv"), train, StandardCharsets.UTF_8);
        }
        return BeirDataset.load(directory);
    }

    @Test
    void splitsTrainQueriesAndAddsIndexingAndSelfSupervisedPairs() throws IOException {
        BeirDataset dataset = tinyDataset(directory, true);
        TrainingOptions options = TrainingOptions.defaults("asi"); // 10% validation, qrels x2, indexing x1
        TrainingData data = TrainingData.build(dataset, dataset.corpus(), options, null);
        assertEquals(1, data.validation().size(), "10% of 10 train queries");
        assertEquals(9, data.counts().get(PairSource.QRELS));
        assertEquals(6, data.counts().get(PairSource.INDEXING));
        assertEquals(6, data.counts().get(PairSource.CROP));
        assertEquals(6, data.counts().get(PairSource.INVERSE_CLOZE));
        assertEquals(9 * 2 + 6 + 6 + 6, data.pairs().size());
        for (String text : data.texts()) {
            assertFalse(text.contains("TEST QUERY"), "test queries must not be read: " + text);
        }
        Set<Integer> validationTexts = new HashSet<>();
        data.validation().forEach(v -> validationTexts.add(v.text()));
        for (TrainingPair pair : data.pairs()) {
            assertFalse(validationTexts.contains(pair.text()), "a validation query is also a training pair");
            if (pair.source() == PairSource.INDEXING) {
                assertEquals(data.queryTextCount() + pair.document(), pair.text());
            }
        }
        TrainingData again = TrainingData.build(dataset, dataset.corpus(), options, null);
        assertEquals(data, again, "seeded: the same options give the same data");
    }

    @Test
    void withoutTrainQrelsTrainsOnSelfSupervisedPairsAlone() throws IOException {
        BeirDataset dataset = tinyDataset(directory, false);
        TrainingOptions options = TrainingOptions.defaults("asi").withData(2, 1, false);
        TrainingData data = TrainingData.build(dataset, dataset.corpus(), options, null);
        assertEquals(0, data.counts().get(PairSource.QRELS));
        assertTrue(data.counts().get(PairSource.CROP) > 0, "zero-shot turns self-supervised pairs on");
        assertEquals(1, data.validation().size(), "held-out crops validate: 10% of 6 documents, rounded");
        assertEquals(6, data.counts().get(PairSource.CROP) + data.validation().size());
    }

    @Test
    void cropsAreSpansOfTheDocumentAndClozeIsOneSentence() {
        String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen. "
                + "Second sentence has five words. Third sentence is also here.";
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            String crop = SelfSupervisedPairs.independentCrop(text, random);
            int words = crop.split(" ").length;
            assertTrue(words >= SelfSupervisedPairs.MIN_CROP_WORDS && words <= SelfSupervisedPairs.MAX_CROP_WORDS);
            assertTrue(text.contains(crop));
            String sentence = SelfSupervisedPairs.inverseCloze(text, random);
            assertTrue(text.contains(sentence));
            assertTrue(sentence.endsWith("."), sentence);
        }
        assertEquals("too short", SelfSupervisedPairs.independentCrop("too short", random));
    }
}
