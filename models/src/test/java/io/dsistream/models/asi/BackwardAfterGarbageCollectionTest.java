package io.dsistream.models.asi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression test for DJL's scalar operands (see {@link ScopedScalar}): the gradients of the full ASI++ objective
 * are the same whether or not the garbage collector runs between the forward and the backward pass. Before the
 * fix, a collection there turned the Sinkhorn and loss gradients into NaN or 1e31.
 */
class BackwardAfterGarbageCollectionTest {

    private static final float[][] DOCUMENTS = LossesTest.randomUnitVectors(64, 12, 21);

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void gradientsDoNotDependOnWhenTheCollectorRuns(QuantizerKind kind) throws InterruptedException {
        QuantizerOptions options = QuantizerOptions.defaults(12).withKind(kind).withShape(3, 4).withHiddenSize(8)
                .withDropout(0f);
        try (NDManager manager = NDManager.newBaseManager();
             SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options, DOCUMENTS)) {
            List<float[]> quiet = gradients(manager, quantizer, false);
            quantizer.zeroGradients();
            List<float[]> collected = gradients(manager, quantizer, true);
            for (int i = 0; i < quiet.size(); i++) {
                for (float value : quiet.get(i)) {
                    assertTrue(Float.isFinite(value), kind + " gradient is finite");
                }
                assertArrayEquals(quiet.get(i), collected.get(i), 1e-5f, kind + " parameter " + i);
            }
        }
    }

    private static List<float[]> gradients(NDManager manager, SemanticQuantizer quantizer, boolean collectGarbage)
            throws InterruptedException {
        try (NDManager scope = manager.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray queries = scope.create(Arrays.copyOfRange(DOCUMENTS, 0, 16));
            NDArray documents = scope.create(Arrays.copyOfRange(DOCUMENTS, 16, 32));
            QuantizerOutput q = quantizer.forward(queries, true);
            QuantizerOutput d = quantizer.forward(documents, true);
            NDArray logits = scope.randomNormal(new Shape(16, 4, 3 + 12));
            NDArray targets = scope.create(new int[16][4]).add(3).toType(ai.djl.ndarray.types.DataType.INT32, false);
            AsiLossInputs inputs = AsiLossInputs.builder()
                    .setQueries(queries, q.codeProbabilities())
                    .setDocuments(documents, d.codeProbabilities())
                    .optQuantizationLoss(d.quantizationLoss())
                    .optDecoder(logits, targets)
                    .build();
            NDArray total = new AsiLoss(LossWeights.defaults().withMargin(1f), new LambdaSchedule(10))
                    .compute(inputs, 3).total();
            if (collectGarbage) {
                System.gc();
                // direct buffers are freed by the cleaner thread after the collection
                Thread.sleep(100);
            }
            collector.backward(total);
        }
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> named : quantizer.getParameters()) {
            try (NDArray gradient = named.getValue().getArray().getGradient()) {
                values.add(gradient.toFloatArray());
            }
        }
        return values;
    }
}
