package io.dsistream.models.asi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shapes, determinism, save/load, gradients and memory of the three quantizers. */
class SemanticQuantizerTest {

    private static final int DIMENSION = 12;
    private static final int POSITIONS = 3;
    private static final int CODES = 4;
    private static final float[][] DOCUMENTS = LossesTest.randomUnitVectors(64, DIMENSION, 21);

    private static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    private static QuantizerOptions options(QuantizerKind kind) {
        return QuantizerOptions.defaults(DIMENSION).withKind(kind).withShape(POSITIONS, CODES).withHiddenSize(8);
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void forwardGivesOneDistributionPerPositionAndAssignIsItsArgmax(QuantizerKind kind) {
        try (SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options(kind), DOCUMENTS);
             NDManager scope = manager.newSubManager()) {
            float[][] batch = Arrays.copyOf(DOCUMENTS, 10);
            for (boolean training : new boolean[] {false, true}) {
                QuantizerOutput out = quantizer.forward(scope.create(batch), training);
                assertEquals(new ai.djl.ndarray.types.Shape(10, POSITIONS, CODES), out.codeProbabilities().getShape());
                assertEquals(out.codeProbabilities().getShape(), out.logCodeProbabilities().getShape());
                assertEquals(0, out.quantizationLoss().getShape().dimension());
                for (float row : out.codeProbabilities().sum(new int[] {2}).toFloatArray()) {
                    assertEquals(1f, row, 1e-4, kind + " training=" + training);
                }
            }
            long[] argmax = quantizer.forward(scope.create(batch), false).codeProbabilities().argMax(-1).toLongArray();
            int[][] ids = quantizer.assign(batch);
            assertEquals(10, ids.length);
            for (int b = 0; b < 10; b++) {
                assertEquals(POSITIONS, ids[b].length);
                for (int p = 0; p < POSITIONS; p++) {
                    assertTrue(ids[b][p] >= 0 && ids[b][p] < CODES);
                    assertEquals(argmax[b * POSITIONS + p], ids[b][p]);
                }
                // a new document's ID depends on its embedding only, not on its batch-mates
                assertArrayEquals(ids[b], quantizer.assign(new float[][] {batch[b]})[0]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void equalOptionsAndDataGiveEqualQuantizers(QuantizerKind kind) {
        try (SemanticQuantizer first = SemanticQuantizer.create(manager, options(kind), DOCUMENTS);
             SemanticQuantizer second = SemanticQuantizer.create(manager, options(kind), DOCUMENTS);
             SemanticQuantizer reseeded = SemanticQuantizer.create(manager, options(kind).withSeed(7), DOCUMENTS)) {
            assertParametersEqual(first, second);
            assertArrayEquals(first.assign(DOCUMENTS), second.assign(DOCUMENTS));
            assertFalse(Arrays.equals(flatParameters(first), flatParameters(reseeded)), "the seed matters");
        }
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void saveAndLoadRoundTripGivesIdenticalParametersAndAssignments(QuantizerKind kind, @TempDir Path dir)
            throws IOException {
        try (SemanticQuantizer original = SemanticQuantizer.create(manager, options(kind), DOCUMENTS)) {
            Path file = dir.resolve("quantizer.bin");
            original.save(file);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            original.save(bytes);
            try (SemanticQuantizer fromFile = SemanticQuantizer.load(manager, file);
                 SemanticQuantizer fromStream = SemanticQuantizer.load(manager,
                         new ByteArrayInputStream(bytes.toByteArray()))) {
                assertEquals(original.options(), fromFile.options());
                assertEquals(original.getClass(), fromFile.getClass());
                assertParametersEqual(original, fromFile);
                assertParametersEqual(original, fromStream);
                assertArrayEquals(original.assign(DOCUMENTS), fromFile.assign(DOCUMENTS));
            }
        }
    }

    @Test
    void loadingSomethingElseNamesTheSource(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("not-a-quantizer.bin");
        java.nio.file.Files.write(file, new byte[] {0, 5, 'h', 'e', 'l', 'l', 'o'});
        IOException e = assertThrows(IOException.class, () -> SemanticQuantizer.load(manager, file));
        assertTrue(e.getMessage().contains("not-a-quantizer.bin"), e.getMessage());
        assertTrue(new String(e.getMessage().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .contains("'hello'"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = QuantizerKind.class, names = {"RESIDUAL", "PRODUCT"})
    void quantizationLossIsTheSquaredErrorOfTheChosenCodewords(QuantizerKind kind) {
        try (SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options(kind), DOCUMENTS);
             NDManager scope = manager.newSubManager()) {
            float[] codebooks = quantizer.getParameters().get(0).getValue().getArray().toFloatArray();
            int[][] ids = quantizer.assign(DOCUMENTS);
            double expected = 0;
            for (int n = 0; n < DOCUMENTS.length; n++) {
                float[] reconstruction = new float[DIMENSION];
                for (int p = 0; p < POSITIONS; p++) {
                    if (kind == QuantizerKind.RESIDUAL) {
                        for (int j = 0; j < DIMENSION; j++) {
                            reconstruction[j] += codebooks[(p * CODES + ids[n][p]) * DIMENSION + j];
                        }
                    } else {
                        int width = DIMENSION / POSITIONS;
                        for (int j = 0; j < width; j++) {
                            reconstruction[p * width + j] = codebooks[(p * CODES + ids[n][p]) * width + j];
                        }
                    }
                }
                expected += LossesTest.squaredDistance(DOCUMENTS[n], reconstruction) / DOCUMENTS.length;
            }
            float actual = quantizer.forward(scope.create(DOCUMENTS), false).quantizationLoss().getFloat();
            assertEquals(expected, actual, 1e-5);
            // k-means codewords explain a good share of the unit vectors' energy of 1
            assertTrue(actual < 0.8, kind + " quantisation error " + actual);
        }
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void everyParameterGetsAGradientAndStepsLeakNothingIntoTheQuantizer(QuantizerKind kind) {
        try (SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options(kind), DOCUMENTS)) {
            NDManager parameterManager = quantizer.getParameters().get(0).getValue().getArray().getManager();
            int before = parameterManager.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDManager scope = manager.newSubManager();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray queries = scope.create(Arrays.copyOfRange(DOCUMENTS, 0, 16));
                    NDArray documents = scope.create(Arrays.copyOfRange(DOCUMENTS, 16, 32));
                    QuantizerOutput q = quantizer.forward(queries, true);
                    QuantizerOutput d = quantizer.forward(documents, true);
                    NDArray loss = new DiscreteContrastiveLoss(1f).compute(q.codeProbabilities(), d.codeProbabilities())
                            .add(new DistributionDensityLoss().compute(d.codeProbabilities()))
                            .add(d.quantizationLoss());
                    collector.backward(loss);
                }
            }
            for (Pair<String, Parameter> named : quantizer.getParameters()) {
                float[] gradient = gradientOf(named.getValue());
                assertTrue(absoluteSum(gradient) > 0, kind + " " + named.getKey() + " has a finite, non-zero gradient");
            }
            quantizer.zeroGradients();
            for (Pair<String, Parameter> named : quantizer.getParameters()) {
                assertEquals(0.0, absoluteSum(gradientOf(named.getValue())), kind + " " + named.getKey() + " zeroed");
            }
            quantizer.assign(DOCUMENTS);
            assertEquals(before, parameterManager.getManagedArrays().size(),
                    "steps must leave no arrays in the quantizer's own manager");
        }
    }

    @Test
    void corpusSizedDefaultsKeepAFewDocumentsPerLeaf() {
        QuantizerOptions scifact = QuantizerOptions.forCorpus(5_183, 384);
        assertEquals(3, scifact.positions());
        assertEquals(16, scifact.codesPerPosition());
        assertEquals(4_096, scifact.leaves());
        assertEquals(32, QuantizerOptions.forCorpus(100_000, 384).codesPerPosition());
        assertEquals(64, QuantizerOptions.forCorpus(1_000_000, 384).codesPerPosition());
        assertEquals(8, QuantizerOptions.forCorpus(10, 384).codesPerPosition());
        assertEquals(256, QuantizerOptions.forCorpus(Integer.MAX_VALUE, 384).codesPerPosition());
        assertEquals(QuantizerKind.MLP, scifact.kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                QuantizerOptions.defaults(384).withKind(QuantizerKind.PRODUCT).withShape(5, 8));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
    }

    private static void assertParametersEqual(SemanticQuantizer expected, SemanticQuantizer actual) {
        assertEquals(expected.getParameters().keys(), actual.getParameters().keys());
        for (int i = 0; i < expected.getParameters().size(); i++) {
            NDArray a = expected.getParameters().get(i).getValue().getArray();
            NDArray b = actual.getParameters().get(i).getValue().getArray();
            assertEquals(a.getShape(), b.getShape());
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        }
    }

    /** The gradient's values; read without arithmetic on it, which would leave arrays in the quantizer's manager. */
    private static float[] gradientOf(Parameter parameter) {
        try (NDArray gradient = parameter.getArray().getGradient()) {
            return gradient.toFloatArray();
        }
    }

    /** Sum of absolute values; NaN when any value is NaN. */
    private static double absoluteSum(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += Math.abs(value);
        }
        return sum;
    }

    private static float[] flatParameters(SemanticQuantizer quantizer) {
        return quantizer.getParameters().get(0).getValue().getArray().toFloatArray();
    }
}
