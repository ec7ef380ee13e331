package io.dsistream.models.asi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients flow from L_di into the MLP quantizer and a DJL optimizer can use them: a few Adam steps on L_di
 * alone (80 steps, learning rate 0.01) spread a deliberately collapsed quantizer (every item on code 0 at every position) over the codes.
 */
class DensityGradientTest {

    private static final int DIMENSION = 16;
    private static final int POSITIONS = 2;
    private static final int CODES = 8;
    private static final int BATCH = 64;

    @Test
    void densityLossStepsSpreadACollapsedMlpQuantizer() {
        QuantizerOptions options = QuantizerOptions.defaults(DIMENSION).withShape(POSITIONS, CODES).withHiddenSize(16)
                .withDropout(0f);   // torch draws dropout masks from its global generator: keep the run deterministic
        float[][] data = LossesTest.randomUnitVectors(BATCH, DIMENSION, 31);
        try (NDManager manager = NDManager.newBaseManager();
             SemanticQuantizer collapsed = collapsedQuantizer(manager, options)) {
            Balance before = balance(collapsed.assign(data));
            assertEquals(1.0, before.largestShare(), "the starting point is fully collapsed");

            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            float firstLoss = Float.NaN;
            float lastLoss = Float.NaN;
            for (int step = 0; step < 80; step++) {
                try (NDManager scope = manager.newSubManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray codes = collapsed.codeProbabilities(scope.create(data), true);
                        NDArray loss = new DistributionDensityLoss().compute(codes);
                        collector.backward(loss);
                        lastLoss = loss.getFloat();
                        firstLoss = step == 0 ? lastLoss : firstLoss;
                    }
                    for (Pair<String, Parameter> named : collapsed.getParameters()) {
                        NDArray weight = named.getValue().getArray();
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(named.getValue().getId(), weight, gradient);
                        }
                    }
                    collapsed.zeroGradients();
                }
            }
            Balance after = balance(collapsed.assign(data));
            System.out.printf("L_di %.4f -> %.4f; largest code share %.3f -> %.3f; codes used %d -> %d of %d%n",
                    firstLoss, lastLoss, before.largestShare(), after.largestShare(), before.codesUsed(),
                    after.codesUsed(), POSITIONS * CODES);
            assertTrue(lastLoss < firstLoss / 4, "L_di decreases: " + firstLoss + " -> " + lastLoss);
            assertTrue(after.largestShare() < 0.5, "no code holds half the batch any more: " + after.largestShare());
            assertTrue(after.codesUsed() >= 12, "three quarters of the codes or more are used: " + after.codesUsed());
        }
    }

    /** A seeded MLP quantizer whose output bias favours code 0 at every position by a wide margin. */
    private static SemanticQuantizer collapsedQuantizer(NDManager manager, QuantizerOptions options) {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (MlpQuantizer fresh = MlpQuantizer.create(manager, options)) {
            for (Pair<String, Parameter> named : fresh.getParameters()) {
                values.put(named.getKey(), named.getValue().getArray().toFloatArray());
            }
        }
        float[] outputBias = values.get(MlpQuantizer.OUTPUT_BIAS);
        for (int p = 0; p < options.positions(); p++) {
            outputBias[p * options.codesPerPosition()] += 6f;
        }
        return new MlpQuantizer(manager, options, values);
    }

    private record Balance(double largestShare, int codesUsed) {
    }

    /** Largest share of the batch on one code (worst position), and the (position, code) pairs in use. */
    private static Balance balance(int[][] ids) {
        int[][] counts = new int[POSITIONS][CODES];
        for (int[] id : ids) {
            for (int p = 0; p < POSITIONS; p++) {
                counts[p][id[p]]++;
            }
        }
        int largest = 0;
        int used = 0;
        for (int[] position : counts) {
            for (int count : position) {
                largest = Math.max(largest, count);
                used += count > 0 ? 1 : 0;
            }
        }
        return new Balance((double) largest / ids.length, used);
    }
}
