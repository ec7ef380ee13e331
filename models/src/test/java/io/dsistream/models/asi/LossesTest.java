package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each loss on tiny tensors against a value worked out by hand, and against a plain-Java loop over the paper's
 * definition on random inputs.
 */
class LossesTest {

    private static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    // ---- L_c, eq. 1 ----

    @Test
    void contrastiveLossOnOneHotCodesMatchesHandValue() {
        try (NDManager scope = manager.newSubManager()) {
            // B = 2, L = 2, V = 2. q0 = d0 = (0,0); q1 = (1,1); d1 = (0,1).
            NDArray queries = scope.create(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, new Shape(2, 2, 2));
            NDArray documents = scope.create(new float[] {1, 0, 1, 0, 1, 0, 0, 1}, new Shape(2, 2, 2));
            // q0: D+ = 0, D(q0, d1) = 2 -> max(0, 0 - 2 + 3) = 1
            // q1: D+ = D(q1, d1) = 2, D(q1, d0) = 4 -> max(0, 2 - 4 + 3) = 1; mean of the two triplets = 1
            assertEquals(1.0f, new DiscreteContrastiveLoss(3f).compute(queries, documents).getFloat(), 1e-6);
            // with α = 1 only q0's triplet stays active: max(0, 0 - 2 + 1) = 0, max(0, 2 - 4 + 1) = 0
            assertEquals(0.0f, new DiscreteContrastiveLoss(1f).compute(queries, documents).getFloat(), 1e-6);
        }
    }

    @Test
    void contrastiveLossMatchesPlainLoopOnRandomProbabilities() {
        int b = 5;
        int l = 3;
        int v = 4;
        float[][][] q = randomProbabilities(b, l, v, 1);
        float[][][] d = randomProbabilities(b, l, v, 2);
        float[][] mask = new float[b][b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                mask[i][j] = (i != j && !(i == 1 && j == 3)) ? 1 : 0;   // pair 3's document is also relevant to query 1
            }
        }
        double expectedAll = 0;
        double expectedMasked = 0;
        int masked = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                if (i == j) {
                    continue;
                }
                double hinge = Math.max(0, codeDistance(q[i], d[i]) - codeDistance(q[i], d[j]) + 3);
                expectedAll += hinge;
                if (mask[i][j] == 1) {
                    expectedMasked += hinge;
                    masked++;
                }
            }
        }
        expectedAll /= b * (b - 1);
        expectedMasked /= masked;
        try (NDManager scope = manager.newSubManager()) {
            DiscreteContrastiveLoss loss = new DiscreteContrastiveLoss();
            NDArray queries = create(scope, q);
            NDArray documents = create(scope, d);
            assertEquals(expectedAll, loss.compute(queries, documents).getFloat(), 1e-5);
            assertEquals(expectedMasked, loss.compute(queries, documents, scope.create(mask)).getFloat(), 1e-5);
        }
    }

    // ---- L_di, eq. 5 ----

    @Test
    void densityLossMatchesPlainLoopOnRandomProbabilities() {
        int b = 6;
        int l = 2;
        int v = 3;
        float[][][] p = randomProbabilities(b, l, v, 3);
        double expected = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                if (i == j) {
                    continue;
                }
                // closeness of the hard IDs: the share of positions where their argmax codes agree
                double closeness = 0;
                for (int pos = 0; pos < l; pos++) {
                    closeness += argMax(p[i][pos]) == argMax(p[j][pos]) ? 1.0 / l : 0;
                }
                double reverseCrossEntropy = 0;
                for (int pos = 0; pos < l; pos++) {
                    int neighbourCode = argMax(p[j][pos]);
                    for (int code = 0; code < v; code++) {
                        if (code != neighbourCode) {
                            reverseCrossEntropy -= Math.log(p[i][pos][code]) / (v - 1);
                        }
                    }
                }
                expected += closeness * reverseCrossEntropy;
            }
        }
        expected /= b * (b - 1);
        try (NDManager scope = manager.newSubManager()) {
            assertEquals(expected, new DistributionDensityLoss().compute(create(scope, p)).getFloat(), 1e-4);
        }
    }

    @Test
    void densityLossIsLargeForCollisionsAndZeroForItemsThatDifferEverywhere() {
        try (NDManager scope = manager.newSubManager()) {
            // two items, L = 1, V = 2, near one-hot
            NDArray collided = scope.create(new float[] {0.9f, 0.1f, 0.9f, 0.1f}, new Shape(2, 1, 2));
            NDArray apart = scope.create(new float[] {1f, 0f, 0f, 1f}, new Shape(2, 1, 2));
            // collided: closeness 1, neighbour code 0, RCE = -log 0.1 / (V - 1) = 2.302585 for each ordered pair
            assertEquals((float) -Math.log(0.1), new DistributionDensityLoss().compute(collided).getFloat(), 1e-5);
            // apart: D = 2 = D_max, closeness 0
            assertEquals(0f, new DistributionDensityLoss().compute(apart).getFloat(), 1e-6);
        }
    }

    // ---- L_bot, eq. 6 ----

    @Test
    void bottleneckLossOnOrthonormalPairsMatchesHandValue() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray basis = scope.create(new float[][] {{1, 0}, {0, 1}});
            // InfoNCE: -log(e / (e + 1)) = log(1 + e^-1); density: D = 2 for both sets, 1 / (2 + 0.01) each
            double infoNce = Math.log(1 + Math.exp(-1));
            double density = 2 / (2 + RepresentationBottleneckLoss.DISTANCE_FLOOR);
            double expected = infoNce + 0.05 * density;
            assertEquals(expected, new RepresentationBottleneckLoss().compute(basis, basis).getFloat(), 1e-6);
        }
    }

    @Test
    void bottleneckLossMatchesPlainLoopWithTemperature() {
        int b = 4;
        int h = 6;
        float[][] q = randomUnitVectors(b, h, 4);
        float[][] d = randomUnitVectors(b, h, 5);
        float tau = 0.1f;
        float gamma = 0.3f;
        double infoNce = 0;
        for (int i = 0; i < b; i++) {
            double sum = 0;
            for (int j = 0; j < b; j++) {
                sum += Math.exp(dot(q[i], d[j]) / tau);
            }
            infoNce -= Math.log(Math.exp(dot(q[i], d[i]) / tau) / sum);
        }
        infoNce /= b;
        double density = 0;
        for (float[][] set : new float[][][] {q, d}) {
            double sum = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    if (i != j) {
                        sum += 1 / (squaredDistance(set[i], set[j]) + RepresentationBottleneckLoss.DISTANCE_FLOOR);
                    }
                }
            }
            density += sum / (b * (b - 1));
        }
        try (NDManager scope = manager.newSubManager()) {
            RepresentationBottleneckLoss loss = new RepresentationBottleneckLoss(gamma, tau);
            NDArray queries = scope.create(q);
            NDArray documents = scope.create(d);
            assertEquals(infoNce, loss.infoNce(queries, documents).getFloat(), 1e-4);
            assertEquals(infoNce + gamma * density, loss.compute(queries, documents).getFloat(), 1e-4);
        }
    }

    // ---- L_ib, eq. 9 ----

    @Test
    void informationLossIsZeroForAnIsotropicCentredBatch() {
        try (NDManager scope = manager.newSubManager()) {
            // mean 0, per-dimension variance 1/2 = 1/H: exactly the prior
            NDArray batch = scope.create(new float[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}});
            assertEquals(0f, new InformationBottleneckLoss().compute(batch).getFloat(), 1e-6);
        }
    }

    @Test
    void informationLossMatchesClosedFormGaussianKl() {
        int b = 7;
        int h = 5;
        float[][] e = randomUnitVectors(b, h, 6);
        double kl = 0;
        double prior = 1.0 / h;
        for (int j = 0; j < h; j++) {
            double mean = 0;
            for (float[] row : e) {
                mean += row[j] / b;
            }
            double variance = 0;
            for (float[] row : e) {
                variance += (row[j] - mean) * (row[j] - mean) / b;
            }
            kl += 0.5 * ((variance + mean * mean) / prior - 1 - Math.log(variance / prior));
        }
        try (NDManager scope = manager.newSubManager()) {
            assertEquals(0.01 * kl, new InformationBottleneckLoss(0.01f).compute(scope.create(e)).getFloat(), 1e-5);
        }
    }

    // ---- L_CE, eq. 2 ----

    @Test
    void decoderCrossEntropyIgnoresPadTargets() {
        try (NDManager scope = manager.newSubManager()) {
            // B = 2, T = 3, vocabulary 4; row 0: targets 3, 2, PAD; row 1: 1, PAD, PAD
            float[][][] logits = {
                    {{0, 0, 0, 2}, {0, 1, 0, 0}, {9, 9, 9, 9}},
                    {{0, 3, 0, 0}, {5, 0, 0, 0}, {0, 0, 0, 7}}};
            int[][] targets = {{3, 2, 0}, {1, 0, 0}};
            double expected = (nll(logits[0][0], 3) + nll(logits[0][1], 2) + nll(logits[1][0], 1)) / 3;
            NDArray value = new DecoderCrossEntropyLoss().compute(create(scope, logits), scope.create(targets));
            assertEquals(expected, value.getFloat(), 1e-5);
            // uniform logits give log(vocabulary) whatever the targets
            NDArray uniform = scope.zeros(new Shape(2, 3, 4));
            assertEquals(Math.log(4), new DecoderCrossEntropyLoss().compute(uniform, scope.create(targets))
                    .getFloat(), 1e-6);
        }
    }

    @Test
    void lossesNameTheBadShape() {
        try (NDManager scope = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    new DecoderCrossEntropyLoss().compute(scope.zeros(new Shape(2, 3, 4)), scope.zeros(new Shape(2, 4))));
            assertEquals(true, e.getMessage().contains("(2, 4)"));
        }
    }

    // ---- plain-Java references ----

    static NDArray create(NDManager scope, float[][][] values) {
        int b = values.length;
        int l = values[0].length;
        int v = values[0][0].length;
        float[] flat = new float[b * l * v];
        for (int i = 0; i < b; i++) {
            for (int pos = 0; pos < l; pos++) {
                System.arraycopy(values[i][pos], 0, flat, (i * l + pos) * v, v);
            }
        }
        return scope.create(flat, new Shape(b, l, v));
    }

    static float[][][] randomProbabilities(int b, int l, int v, long seed) {
        Random random = new Random(seed);
        float[][][] p = new float[b][l][v];
        for (int i = 0; i < b; i++) {
            for (int pos = 0; pos < l; pos++) {
                double sum = 0;
                double[] raw = new double[v];
                for (int code = 0; code < v; code++) {
                    raw[code] = Math.exp(2 * random.nextGaussian());
                    sum += raw[code];
                }
                for (int code = 0; code < v; code++) {
                    p[i][pos][code] = (float) (raw[code] / sum);
                }
            }
        }
        return p;
    }

    static float[][] randomUnitVectors(int b, int h, long seed) {
        Random random = new Random(seed);
        float[][] e = new float[b][h];
        for (int i = 0; i < b; i++) {
            double norm = 0;
            for (int j = 0; j < h; j++) {
                e[i][j] = (float) random.nextGaussian();
                norm += e[i][j] * e[i][j];
            }
            for (int j = 0; j < h; j++) {
                e[i][j] /= (float) Math.sqrt(norm);
            }
        }
        return e;
    }

    static double codeDistance(float[][] a, float[][] b) {
        double sum = 0;
        for (int pos = 0; pos < a.length; pos++) {
            sum += squaredDistance(a[pos], b[pos]);
        }
        return sum;
    }

    static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return sum;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double nll(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (float z : logits) {
            sum += Math.exp(z - max);
        }
        return -(logits[target] - max - Math.log(sum));
    }
}
