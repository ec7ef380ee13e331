package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.dsistream.models.ids.IdVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression test for DJL's scalar operands in the decoder (see asi.ScopedScalar): the teacher-forced gradients are
 * the same whether or not the garbage collector runs between the forward and the backward pass. Before the fix
 * (attention's 1/√d was a Number operand), repeated training loops got non-finite gradients at random steps.
 */
@ExtendWith(SingleIntraOpThread.class)
class DecoderBackwardAfterGarbageCollectionTest {

    private static final IdVocabulary VOCABULARY = new IdVocabulary(3, 4);

    @Test
    void gradientsDoNotDependOnWhenTheCollectorRuns() throws InterruptedException {
        DecoderOptions options = new DecoderOptions(VOCABULARY, 2, 32, 4, 64, 0f, 24, true);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IdDecoder decoder = IdDecoder.create(options, manager, 11L);
            List<float[]> quiet = gradients(manager, decoder, false);
            List<float[]> collected = gradients(manager, decoder, true);
            for (int i = 0; i < quiet.size(); i++) {
                for (float value : collected.get(i)) {
                    assertTrue(Float.isFinite(value), "gradient of parameter " + i + " is finite");
                }
                assertArrayEquals(quiet.get(i), collected.get(i), 1e-6f, "parameter " + i);
            }
        }
    }

    private static List<float[]> gradients(NDManager manager, IdDecoder decoder, boolean collectGarbage)
            throws InterruptedException {
        Random random = new Random(7);
        float[] memoryValues = new float[4 * 5 * 24];
        for (int i = 0; i < memoryValues.length; i++) {
            memoryValues[i] = (float) random.nextGaussian();
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray memory = scope.create(memoryValues, new Shape(4, 5, 24));
            NDArray mask = scope.ones(new Shape(4, 5));
            List<int[]> ids = List.of(VOCABULARY.tokens(new int[] {0, 1, 2}), VOCABULARY.tokens(new int[] {1, 2, 3}),
                    VOCABULARY.tokens(new int[] {2, 3, 0}), VOCABULARY.tokens(new int[] {3, 0, 1}));
            NDArray targets = TeacherForcing.targets(scope, ids, true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray logits = decoder.logits(memory, mask, TeacherForcing.decoderInputs(targets), true);
                NDArray loss = TeacherForcing.crossEntropy(logits, targets);
                if (collectGarbage) {
                    System.gc();
                    Thread.sleep(100); // direct buffers are freed by the cleaner thread after the collection
                }
                collector.backward(loss);
            }
        }
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> named : decoder.getParameters()) {
            try (NDArray gradient = named.getValue().getArray().getGradient()) {
                values.add(gradient.toFloatArray());
                gradient.subi(gradient);
            }
        }
        return values;
    }
}
