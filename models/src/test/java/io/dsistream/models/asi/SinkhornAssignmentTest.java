package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sinkhorn gives rows that are distributions and columns that share the batch evenly. */
class SinkhornAssignmentTest {

    private static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    @Test
    void rowsSumToOneAndColumnsAreBalancedEvenForSkewedScores() {
        int batch = 12;
        int codes = 4;
        float[] scores = new float[batch * codes];
        Random random = new Random(7);
        for (int i = 0; i < batch; i++) {
            for (int c = 0; c < codes; c++) {
                // code 0 is everyone's favourite: a plain softmax would put most of the batch there
                scores[i * codes + c] = (c == 0 ? 1f : 0f) + 0.3f * (float) random.nextGaussian();
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray plan = SinkhornAssignment.logProbabilities(
                    scope.create(scores, new Shape(batch, codes)), 0.1f, 100).exp();
            float[] rows = plan.sum(new int[] {1}).toFloatArray();
            float[] columns = plan.sum(new int[] {0}).toFloatArray();
            for (float row : rows) {
                assertEquals(1f, row, 1e-5);
            }
            for (float column : columns) {
                assertEquals((float) batch / codes, column, 1e-2);
            }
            NDArray softmax = scope.create(scores, new Shape(batch, codes)).div(0.1f).softmax(1);
            assertTrue(softmax.sum(new int[] {0}).getFloat(0) > 2 * batch / codes,
                    "the skew this test relies on is present");
        }
    }

    @Test
    void matchesProbabilitySpaceSinkhornAndPlainSoftmaxWithoutIterations() {
        int batch = 5;
        int codes = 3;
        float epsilon = 0.5f;
        int iterations = 20;
        Random random = new Random(3);
        double[][] plan = new double[batch][codes];
        float[] scores = new float[batch * codes];
        for (int i = 0; i < batch; i++) {
            for (int c = 0; c < codes; c++) {
                scores[i * codes + c] = (float) random.nextGaussian();
                plan[i][c] = Math.exp(scores[i * codes + c] / epsilon);
            }
        }
        for (int it = 0; it < iterations; it++) {
            for (int c = 0; c < codes; c++) {
                double column = 0;
                for (int i = 0; i < batch; i++) {
                    column += plan[i][c];
                }
                for (int i = 0; i < batch; i++) {
                    plan[i][c] *= ((double) batch / codes) / column;
                }
            }
            for (int i = 0; i < batch; i++) {
                double row = 0;
                for (int c = 0; c < codes; c++) {
                    row += plan[i][c];
                }
                for (int c = 0; c < codes; c++) {
                    plan[i][c] /= row;
                }
            }
        }
        float[] expected = new float[batch * codes];
        for (int i = 0; i < batch; i++) {
            for (int c = 0; c < codes; c++) {
                expected[i * codes + c] = (float) plan[i][c];
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = scope.create(scores, new Shape(batch, codes));
            assertArrayEquals(expected,
                    SinkhornAssignment.logProbabilities(input, epsilon, iterations).exp().toFloatArray(), 1e-5f);
            assertArrayEquals(input.div(epsilon).softmax(1).toFloatArray(),
                    SinkhornAssignment.logProbabilities(input, epsilon, 0).exp().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void staysFiniteAtTheTinyEpsilonOfTheQuantizersOverABatchedLeadingAxis() {
        try (NDManager scope = manager.newSubManager()) {
            // (L, B, V) negative squared distances of unit vectors: up to 4 / 0.003 ≈ 1333 in the exponent
            NDArray scores = scope.randomUniform(-4f, 0f, new Shape(3, 16, 8));
            NDArray plan = SinkhornAssignment.logProbabilities(scores, 0.003f, 100).exp();
            float[] values = plan.toFloatArray();
            for (float value : values) {
                assertTrue(Float.isFinite(value), "finite");
            }
            for (float row : plan.sum(new int[] {2}).toFloatArray()) {
                assertEquals(1f, row, 1e-4);
            }
        }
    }
}
