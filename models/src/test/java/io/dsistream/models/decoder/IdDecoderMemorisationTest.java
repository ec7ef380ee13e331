package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder can learn the retrieval task's mapping memory → ID: 8 random memories, 8 distinct 3-code IDs that
 * share first and second codes in pairs, so only what cross-attention reads from the memory can tell them apart.
 * Greedy decoding must reproduce every ID and then EOS; this proves gradients reach every part of the decoder.
 */
@ExtendWith(SingleIntraOpThread.class)
class IdDecoderMemorisationTest {

    private static final IdVocabulary VOCABULARY = new IdVocabulary(3, 4);
    private static final int[][] CODES = {
            {0, 0, 0}, {0, 0, 1}, {0, 1, 2}, {0, 1, 3},
            {2, 3, 0}, {2, 3, 1}, {3, 2, 2}, {3, 2, 3}};
    private static final int MEMORY_LENGTH = 5;
    private static final int MEMORY_WIDTH = 24;
    private static final int STEPS = 200;

    @Test
    void learnsToMapEightMemoriesToEightIds() {
        DecoderOptions options = new DecoderOptions(VOCABULARY, 2, 32, 4, 64, 0f, MEMORY_WIDTH, true);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IdDecoder decoder = IdDecoder.create(options, manager, 11L);
            NDArray memory = randomMemory(manager); // (8, S, H)
            NDArray mask = paddedMask(manager); // (8, S), the odd rows padded after 3 tokens
            List<int[]> ids = new ArrayList<>();
            for (int[] codes : CODES) {
                ids.add(VOCABULARY.tokens(codes));
            }
            NDArray targets = TeacherForcing.targets(manager, ids, true); // (8, 4)
            NDArray inputs = TeacherForcing.decoderInputs(targets); // (8, 4)

            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
            float firstLoss = Float.NaN;
            float lastLoss = Float.NaN;
            for (int step = 0; step < STEPS; step++) {
                try (NDManager batch = manager.newSubManager()) {
                    NDArray batchInputs = inputs.duplicate();
                    batchInputs.attach(batch);
                    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                        NDArray logits = decoder.logits(memory, mask, batchInputs, true); // (8, 4, V)
                        NDArray loss = TeacherForcing.crossEntropy(logits, targets);
                        collector.backward(loss);
                        lastLoss = loss.getFloat();
                        if (step == 0) {
                            firstLoss = lastLoss;
                        }
                    }
                    for (Pair<String, Parameter> parameter : decoder.getParameters()) {
                        NDArray weight = parameter.getValue().getArray();
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(parameter.getValue().getId(), weight, gradient);
                            gradient.subi(gradient); // PyTorch accumulates gradients: clear for the next step
                        }
                    }
                }
            }
            assertTrue(lastLoss < 0.05f * firstLoss, "loss fell from " + firstLoss + " to only " + lastLoss);

            for (int query = 0; query < CODES.length; query++) {
                NextTokenScorer scorer = decoder.scorerFor(memory.get(query), mask.get(query));
                int[] decoded = greedy(scorer, VOCABULARY.maxLength() + 1);
                int[] expected = {ids.get(query)[0], ids.get(query)[1], ids.get(query)[2], IdVocabulary.EOS};
                assertArrayEquals(expected, decoded, "query " + query);
            }
        }
    }

    /** Greedy decoding: the argmax token after each prefix, {@code steps} times. */
    private static int[] greedy(NextTokenScorer scorer, int steps) {
        int[] prefix = new int[0];
        for (int step = 0; step < steps; step++) {
            float[] logProbs = scorer.nextTokenLogProbs(List.of(prefix))[0];
            int best = 0;
            for (int token = 1; token < logProbs.length; token++) {
                if (logProbs[token] > logProbs[best]) {
                    best = token;
                }
            }
            int[] longer = Arrays.copyOf(prefix, prefix.length + 1);
            longer[prefix.length] = best;
            prefix = longer;
        }
        return prefix;
    }

    private static NDArray randomMemory(NDManager manager) {
        Random random = new Random(2024);
        float[] values = new float[CODES.length * MEMORY_LENGTH * MEMORY_WIDTH];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(CODES.length, MEMORY_LENGTH, MEMORY_WIDTH));
    }

    private static NDArray paddedMask(NDManager manager) {
        float[] values = new float[CODES.length * MEMORY_LENGTH];
        for (int b = 0; b < CODES.length; b++) {
            int real = b % 2 == 0 ? MEMORY_LENGTH : 3;
            for (int s = 0; s < real; s++) {
                values[b * MEMORY_LENGTH + s] = 1f;
            }
        }
        return manager.create(values, new Shape(CODES.length, MEMORY_LENGTH));
    }
}
