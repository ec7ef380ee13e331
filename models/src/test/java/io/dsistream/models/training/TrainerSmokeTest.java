package io.dsistream.models.training;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.SemanticId;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainers on a 6-document dataset with synthetic frozen-encoder outputs (H = 16): every term of the loss is
 * computed and logged, the decoder's cross-entropy falls, every document gets a stored ID, and seeds make runs
 * repeatable.
 */
class TrainerSmokeTest {

    private static final int H = 16;
    private static final DecoderShape SMALL = new DecoderShape(1, 32, 2);
    private static int threads;

    @BeforeAll
    static void oneIntraOpThread() {
        // tiny models: on a loaded two-core machine parallel kernels only wait for busy cores
        Engine.getEngine("PyTorch");
        threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(threads);
    }

    @TempDir
    Path directory;

    @Test
    void asiTrainsAndAssignsEveryDocumentDeterministically() throws Exception {
        BeirDataset dataset = TrainingDataTest.tinyDataset(directory, true);
        TrainingOptions options = TrainingOptions.defaults("asi").withShape(2, 4).withSchedule(3, 8, 2, 3e-3f)
                .withRun(7L, 1, 5, 1, 2);
        TrainingData data = TrainingData.build(dataset, dataset.corpus(), options, null);
        EncodedTexts texts = syntheticTexts(data, 1);
        CorpusVectors documents = syntheticDocuments(texts, data);
        List<String> first = new ArrayList<>();
        String log;
        for (int run = 0; run < 2; run++) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (NDManager manager = NDManager.newBaseManager("PyTorch");
                 PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                TrainingResult result = new AsiTrainer(options, out).withDecoderShape(SMALL)
                        .train(manager, data, texts, documents);
                assertEquals(6, result.model().assignments().size());
                assertEquals(6L, result.balance().documents());
                assertTrue(result.validation().containsKey("ndcg@10"));
                List<String> ids = result.model().assignments().values().stream().map(SemanticId::toString).toList();
                if (run == 0) {
                    first.addAll(ids);
                } else {
                    assertEquals(first, ids, "same seed, same IDs");
                }
                result.model().close();
            }
            log = buffer.toString(StandardCharsets.UTF_8);
            for (String term : new String[] {" c=", " ce=", " di=", " bot=", " ib="}) {
                assertTrue(log.contains(term), "progress lines show" + term + ": " + log);
            }
        }
    }

    @Test
    void dsiAtomicLearnsItsFixedIds() throws Exception {
        BeirDataset dataset = TrainingDataTest.tinyDataset(directory, true);
        TrainingOptions options = TrainingOptions.defaults("dsi-atomic").withSchedule(30, 8, 1, 3e-3f)
                .withRun(7L, 0, 100, 1000, 5).withData(2, 2, false);
        TrainingData data = TrainingData.build(dataset, dataset.corpus(), options, null);
        EncodedTexts texts = syntheticTexts(data, 2);
        CorpusVectors documents = syntheticDocuments(texts, data);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            TrainingResult result = new DsiTrainer(options, new PrintStream(new ByteArrayOutputStream()))
                    .withDecoderShape(SMALL).train(manager, data, texts, documents);
            assertEquals(SemanticId.of(3), result.model().assignments().get("d3"), "atomic: the corpus index");
            assertEquals(6L, result.balance().usedLeaves());
            assertTrue(result.validation().get("ndcg@10") > 0.5,
                    "the decoder should find the held-out query's document: " + result.validation());
        }
    }

    /**
     * Each text's states are its document's signature plus noise, so a query and its document look alike, as with
     * a real encoder; the pooled vector is the normalised signature.
     */
    static EncodedTexts syntheticTexts(TrainingData data, long seed) {
        Random random = new Random(seed);
        float[][] signatures = new float[6][H];
        for (float[] signature : signatures) {
            for (int j = 0; j < H; j++) {
                signature[j] = (float) random.nextGaussian();
            }
        }
        float[][] states = new float[data.texts().size()][];
        float[][] pooled = new float[states.length][];
        for (int t = 0; t < states.length; t++) {
            int document = documentOf(data, t);
            int length = 3;
            states[t] = new float[length * H];
            pooled[t] = new float[H];
            double norm = 0;
            for (int j = 0; j < H; j++) {
                pooled[t][j] = signatures[document][j] + 0.1f * (float) random.nextGaussian();
                norm += pooled[t][j] * pooled[t][j];
            }
            for (int j = 0; j < H; j++) {
                pooled[t][j] /= (float) Math.sqrt(norm);
                for (int s = 0; s < length; s++) {
                    states[t][s * H + j] = pooled[t][j] + 0.05f * (float) random.nextGaussian();
                }
            }
        }
        return EncodedTexts.of(H, states, pooled);
    }

    static CorpusVectors syntheticDocuments(EncodedTexts texts, TrainingData data) {
        float[] vectors = new float[6 * H];
        List<String> ids = new ArrayList<>();
        for (int d = 0; d < 6; d++) {
            ids.add("d" + d);
            System.arraycopy(texts.pooled(data.queryTextCount() + d), 0, vectors, d * H, H);
        }
        return new CorpusVectors(ids, H, vectors);
    }

    private static int documentOf(TrainingData data, int text) {
        if (text >= data.queryTextCount()) {
            return text - data.queryTextCount();
        }
        for (TrainingPair pair : data.pairs()) {
            if (pair.text() == text) {
                return pair.document();
            }
        }
        for (ValidationQuery query : data.validation()) {
            if (query.text() == text) {
                return Integer.parseInt(query.judgments().keySet().iterator().next().substring(1));
            }
        }
        throw new IllegalStateException("text " + text + " belongs to no pair");
    }
}
