package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TeacherForcingTest {

    @Test
    void targetsAppendEosAndPadAndInputsShiftRightBehindBos() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray targets = TeacherForcing.targets(manager, List.of(new int[] {5, 6}, new int[] {7}), true);
            assertEquals(new Shape(2, 3), targets.getShape());
            assertArrayEquals(new long[] {5, 6, 2, 7, 2, 0}, targets.toLongArray());

            NDArray inputs = TeacherForcing.decoderInputs(targets);
            assertArrayEquals(new long[] {1, 5, 6, 1, 7, 2}, inputs.toLongArray());

            NDArray withoutEos = TeacherForcing.targets(manager, List.of(new int[] {5, 6}), false);
            assertArrayEquals(new long[] {5, 6}, withoutEos.toLongArray());
        }
    }

    @Test
    void crossEntropyAveragesOverNonPadTargetsOnly() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = manager.create(new float[] {
                    0, 0, 0, // target 1: -log(1/3) = 1.0986123
                    1, 2, 3, // target 2: logsumexp(1, 2, 3) - 3 = 0.40760596
                    9, -9, 4 // target PAD: ignored whatever the logits
            }, new Shape(1, 3, 3));
            NDArray targets = manager.create(new long[] {1, 2, 0}, new Shape(1, 3));
            float loss = TeacherForcing.crossEntropy(logits, targets).getFloat();
            assertEquals((1.0986123f + 0.40760596f) / 2, loss, 1e-6f);
        }
    }
}
