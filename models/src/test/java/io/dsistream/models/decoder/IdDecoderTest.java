package io.dsistream.models.decoder;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SingleIntraOpThread.class)
class IdDecoderTest {

    /** 3 positions × 5 codes → 18 tokens; width 16 with 4 heads; memory width 12, so the projection is exercised. */
    private static final DecoderOptions TINY =
            new DecoderOptions(new IdVocabulary(3, 5), 2, 16, 4, 32, 0.1f, 12, true);
    private static final int VOCABULARY = 18;
    private static final int MEMORY_LENGTH = 6;

    private NDManager manager;
    private IdDecoder decoder;

    @BeforeEach
    void createTinyDecoder() {
        manager = NDManager.newBaseManager("PyTorch");
        decoder = IdDecoder.create(TINY, manager, 7L);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void logitsHaveOneVocabularyRowPerInputToken() {
        NDArray logits = decoder.logits(memory(3, 1), mask(3, 4), inputs(3), false);
        assertEquals(new Shape(3, 4, VOCABULARY), logits.getShape());
        assertEquals(VOCABULARY, TINY.vocabulary().size());

        IdDecoder untied = IdDecoder.create(new DecoderOptions(TINY.vocabulary(), 1, 12, 3, 24, 0f, 12, false),
                manager, 3L);
        assertEquals(new Shape(3, 2, VOCABULARY),
                untied.logits(memory(3, 1), mask(3, 4), inputs(3).get(":, :2"), false).getShape());
    }

    @Test
    void laterInputTokensDoNotChangeEarlierPositions() {
        NDArray memory = memory(2, 1);
        NDArray mask = mask(2, 5);
        NDArray inputs = manager.create(new long[] {1, 4, 9, 14, 1, 5, 10, 15}, new Shape(2, 4));
        NDArray changed = manager.create(new long[] {1, 4, 12, 17, 1, 5, 8, 13}, new Shape(2, 4));
        float[][][] before = toRows(decoder.logits(memory, mask, inputs, false));
        float[][][] after = toRows(decoder.logits(memory, mask, changed, false));
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 2; t++) {
                assertArrayEquals(before[b][t], after[b][t], 0f, "row " + b + " position " + t);
            }
            assertFalse(Arrays.equals(before[b][2], after[b][2]), "position 2 reads the token it was given");
        }
    }

    @Test
    void maskedMemoryPositionsDoNotChangeLogits() {
        NDArray mask = mask(2, 3); // positions 3..5 are padding
        NDArray memory = memory(2, 1);
        NDArray otherPadding = memory.duplicate();
        otherPadding.set(new ai.djl.ndarray.index.NDIndex(":, 3:, :"), 5f);
        NDArray otherRealToken = memory.duplicate();
        otherRealToken.set(new ai.djl.ndarray.index.NDIndex(":, 1, :"), 5f);

        float[] reference = decoder.logits(memory, mask, inputs(2), false).toFloatArray();
        assertArrayEquals(reference, decoder.logits(otherPadding, mask, inputs(2), false).toFloatArray(), 0f);
        assertFalse(Arrays.equals(reference,
                decoder.logits(otherRealToken, mask, inputs(2), false).toFloatArray()),
                "a real memory token must matter, or the mask test proves nothing");
    }

    @Test
    void scorerEqualsTheTeacherForcedForwardAtTheLastPrefixPosition() {
        NDArray memory = memory(2, 1);
        NDArray mask = mask(2, 4);
        NDArray inputs = manager.create(new long[] {1, 5, 10, 15, 1, 3, 9, 17}, new Shape(2, 4));
        float[][][] full = toRows(decoder.logits(memory, mask, inputs, false).logSoftmax(2));

        for (int query = 0; query < 2; query++) {
            long[] row = inputs.get(query).toLongArray();
            NextTokenScorer scorer = decoder.scorerFor(memory.get(query), mask.get(query));
            // prefixes of every length in one call: the padded rows must not disturb the short ones
            List<int[]> prefixes = List.of(new int[0], new int[] {(int) row[1]},
                    new int[] {(int) row[1], (int) row[2]}, new int[] {(int) row[1], (int) row[2], (int) row[3]});
            float[][] scored = scorer.nextTokenLogProbs(prefixes);
            assertEquals(4, scored.length);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(full[query][t], scored[t], 1e-5f, "query " + query + " prefix length " + t);
            }
        }
    }

    @Test
    void batchedScoringEqualsOneScorerPerQuery() {
        NDArray memory = memory(3, 2);
        NDArray mask = mask(3, 4);
        List<int[]> prefixes = List.of(new int[] {4, 9}, new int[] {3}, new int[] {5, 8}, new int[0]);
        int[] queryOfPrefix = {2, 0, 2, 1};
        float[][] batched = decoder.nextTokenLogProbs(memory, mask, queryOfPrefix, prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            int query = queryOfPrefix[i];
            float[][] single = decoder.scorerFor(memory.get(query), mask.get(query))
                    .nextTokenLogProbs(List.of(prefixes.get(i)));
            assertArrayEquals(single[0], batched[i], 1e-5f, "prefix " + i);
        }
    }

    @Test
    void logProbabilitiesSumToOne() {
        float[][] rows = decoder.scorerFor(memory(1, 3), mask(1, 6)).nextTokenLogProbs(List.of(new int[] {3}));
        double total = 0;
        for (float logProb : rows[0]) {
            total += Math.exp(logProb);
        }
        assertEquals(1.0, total, 1e-5);
    }

    @Test
    void scoringClosesItsTemporariesAndRecordsNoGradient() {
        NDArray memory = memory(1, 4).squeeze(0); // (S, H)
        NDArray mask = mask(1, 5).squeeze(0); // (S)
        NextTokenScorer scorer = decoder.scorerFor(memory, mask);
        scorer.nextTokenLogProbs(List.of(new int[0])); // warm-up: nothing lazily cached may count as a leak
        int before = ((BaseNDManager) manager).getManagedArrays().size();
        for (int step = 0; step < 3; step++) {
            scorer.nextTokenLogProbs(List.of(new int[] {3}, new int[] {7}));
        }
        decoder.nextTokenLogProbs(memory.expandDims(0), mask.expandDims(0), new int[] {0}, List.of(new int[] {4}));
        assertEquals(before + 2, ((BaseNDManager) manager).getManagedArrays().size(),
                "only the two expandDims views of this test may remain");
        assertEquals(manager, memory.getManager(), "the memory goes back to its owner");

        try (NDManager step = manager.newSubManager();
             GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray logProbs = decoder.nextTokenLogProbArray(step, memory, mask, null, List.of(new int[] {3}));
            // without a recorded graph there is nothing to differentiate: backward is refused
            assertThrows(EngineException.class, () -> collector.backward(logProbs.sum()),
                    "scoring must not record a graph");
            assertTrue(JniUtils.isGradMode(), "the collector's grad mode is restored");
            NDArray trained = decoder.logits(memory.expandDims(0), mask.expandDims(0),
                    step.create(new long[] {1}, new Shape(1, 1)), true);
            assertFalse(JniUtils.getGradientFunctionNames((PtNDArray) trained).isEmpty(),
                    "teacher forcing under a collector has a graph");
        }
    }

    @Test
    void gradientsReachTheRealMemoryTokensOnly() {
        NDArray memory = memory(2, 8);
        memory.setRequiresGradient(true); // stands for the encoder output, trained end to end (ASI++ eq. 3)
        NDArray mask = mask(2, 4);
        NDArray targets = TeacherForcing.targets(manager,
                List.of(TINY.vocabulary().tokens(new int[] {1, 2, 3}), TINY.vocabulary().tokens(new int[] {4, 0, 2})),
                true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray logits = decoder.logits(memory, mask, TeacherForcing.decoderInputs(targets), true);
            collector.backward(TeacherForcing.crossEntropy(logits, targets));
        }
        NDArray gradient = memory.getGradient(); // (B, S, H)
        assertTrue(gradient.get(":, :4, :").abs().sum().getFloat() > 0f, "real tokens get a gradient");
        assertEquals(0f, gradient.get(":, 4:, :").abs().sum().getFloat(), "padding gets none");
    }

    @Test
    void dropoutOnlyActsWhenTraining() {
        NDArray memory = memory(2, 5);
        NDArray mask = mask(2, 6);
        float[] evaluation = decoder.logits(memory, mask, inputs(2), false).toFloatArray();
        assertArrayEquals(evaluation, decoder.logits(memory, mask, inputs(2), false).toFloatArray(), 0f);
        assertFalse(Arrays.equals(evaluation, decoder.logits(memory, mask, inputs(2), true).toFloatArray()));
    }

    @Test
    void equalSeedsGiveEqualDecodersAndOtherSeedsOthers() {
        NDArray memory = memory(2, 6);
        NDArray mask = mask(2, 6);
        float[] logits = decoder.logits(memory, mask, inputs(2), false).toFloatArray();
        assertArrayEquals(logits,
                IdDecoder.create(TINY, manager, 7L).logits(memory, mask, inputs(2), false).toFloatArray(), 0f);
        assertFalse(Arrays.equals(logits,
                IdDecoder.create(TINY, manager, 8L).logits(memory, mask, inputs(2), false).toFloatArray()));
    }

    @Test
    void saveAndLoadGiveIdenticalLogitsAndLogProbs(@TempDir Path dir) throws Exception {
        NDArray memory = memory(2, 7);
        NDArray mask = mask(2, 5);
        float[] logits = decoder.logits(memory, mask, inputs(2), false).toFloatArray();
        float[][] logProbs = decoder.scorerFor(memory.get(0), mask.get(0))
                .nextTokenLogProbs(List.of(new int[0], new int[] {4}, new int[] {4, 11}));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        decoder.save(new DataOutputStream(bytes));
        try (NDManager other = NDManager.newBaseManager("PyTorch")) {
            IdDecoder restored = IdDecoder.load(TINY, other,
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray memoryThere = other.create(memory.toFloatArray(), memory.getShape());
            NDArray maskThere = other.create(mask.toLongArray(), mask.getShape());
            NDArray inputsThere = other.create(inputs(2).toLongArray(), new Shape(2, 4));
            assertArrayEquals(logits, restored.logits(memoryThere, maskThere, inputsThere, false).toFloatArray(), 0f);
            float[][] restoredLogProbs = restored.scorerFor(memoryThere.get(0), maskThere.get(0))
                    .nextTokenLogProbs(List.of(new int[0], new int[] {4}, new int[] {4, 11}));
            for (int i = 0; i < logProbs.length; i++) {
                assertArrayEquals(logProbs[i], restoredLogProbs[i], 0f);
            }
        }

        // the bundle layout: options as JSON next to the parameter file
        TINY.write(dir.resolve("decoder.json"));
        decoder.save(dir.resolve("decoder.params"));
        IdDecoder fromFiles = IdDecoder.load(DecoderOptions.read(dir.resolve("decoder.json")), manager,
                dir.resolve("decoder.params"));
        assertArrayEquals(logits, fromFiles.logits(memory, mask, inputs(2), false).toFloatArray(), 0f);
    }

    @Test
    void loadingIntoAnotherShapeFailsNamingTheFile(@TempDir Path dir) throws Exception {
        decoder.save(dir.resolve("decoder.params"));
        DecoderOptions untied = new DecoderOptions(TINY.vocabulary(), 2, 16, 4, 32, 0.1f, 12, false);
        Exception failure = assertThrows(Exception.class,
                () -> IdDecoder.load(untied, manager, dir.resolve("decoder.params")));
        assertTrue(String.valueOf(failure.getMessage()).contains("decoder.params"), failure.getMessage());

        DecoderOptions widerFeedForward = new DecoderOptions(TINY.vocabulary(), 2, 16, 4, 64, 0.1f, 12, true);
        Exception shape = assertThrows(Exception.class,
                () -> IdDecoder.load(widerFeedForward, manager, dir.resolve("decoder.params")));
        assertTrue(shape.getMessage().contains("feedForward") && shape.getMessage().contains("(64, 16)"),
                shape.getMessage());

        DecoderOptions oneLayer = new DecoderOptions(TINY.vocabulary(), 1, 16, 4, 32, 0.1f, 12, true);
        Exception layers = assertThrows(Exception.class,
                () -> IdDecoder.load(oneLayer, manager, dir.resolve("decoder.params")));
        assertTrue(layers.getMessage().contains("decoder.params"), layers.getMessage());
    }

    @Test
    void badShapesAreRejectedWithTheExpectedShape() {
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> decoder.logits(manager.zeros(new Shape(2, MEMORY_LENGTH, 16)), mask(2, 3), inputs(2), false));
        assertTrue(width.getMessage().contains("(B, S, 12)"), width.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> decoder.scorerFor(memory(1, 1), mask(1, 3)).nextTokenLogProbs(List.of(new int[] {3, 8, 13, 2})));
        assertTrue(tooLong.getMessage().contains("longer than"), tooLong.getMessage());
    }

    /** (B, S, 12) Gaussian memory from a seeded Java generator. */
    private NDArray memory(int batch, long seed) {
        Random random = new Random(seed);
        float[] values = new float[batch * MEMORY_LENGTH * 12];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(batch, MEMORY_LENGTH, 12));
    }

    /** (B, S) int64 mask whose first {@code realTokens} positions are real. */
    private NDArray mask(int batch, int realTokens) {
        long[] values = new long[batch * MEMORY_LENGTH];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < realTokens; s++) {
                values[b * MEMORY_LENGTH + s] = 1;
            }
        }
        return manager.create(values, new Shape(batch, MEMORY_LENGTH));
    }

    /** (B, 4) decoder inputs BOS + 3 code tokens. */
    private NDArray inputs(int batch) {
        long[] values = new long[batch * 4];
        for (int b = 0; b < batch; b++) {
            values[b * 4] = IdVocabulary.BOS;
            for (int p = 0; p < 3; p++) {
                values[b * 4 + 1 + p] = TINY.vocabulary().token(p, (b + p) % 5);
            }
        }
        return manager.create(values, new Shape(batch, 4));
    }

    private static float[][][] toRows(NDArray logits) {
        Shape shape = logits.getShape();
        int batch = (int) shape.get(0);
        int length = (int) shape.get(1);
        int width = (int) shape.get(2);
        float[] flat = logits.toFloatArray();
        float[][][] rows = new float[batch][length][];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                int from = (b * length + t) * width;
                rows[b][t] = Arrays.copyOfRange(flat, from, from + width);
            }
        }
        return rows;
    }
}
