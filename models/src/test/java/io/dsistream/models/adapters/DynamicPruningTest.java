package io.dsistream.models.adapters;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cubic sparsity schedule, the mask by importance and the sparsity reached. */
class DynamicPruningTest {

    @Test
    void scheduleIsCubicFromStartToEnd() {
        DynamicPruning pruning = new DynamicPruning(List.of(), 0.8f, 10, 20, 2, PruningImportance.MAGNITUDE);
        assertEquals(0f, pruning.sparsityAt(5));
        assertEquals(0f, pruning.sparsityAt(10));
        // Zhu and Gupta eq. 1 halfway: 0.8 · (1 − 0.5³) = 0.7
        assertEquals(0.7f, pruning.sparsityAt(15), 1e-6f);
        assertEquals(0.8f, pruning.sparsityAt(20));
        assertEquals(0.8f, pruning.sparsityAt(99));
    }

    @Test
    void maskDropsTheLowestScores() {
        float[] mask = DynamicPruning.maskKeepingLargest(new float[] {0.5f, 0.1f, 0.9f, 0.3f}, 2);
        assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, mask);
    }

    @Test
    void magnitudePruningReachesItsTargetSparsity() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Parameter weight = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            weight.setArray(manager.create(new float[] {1, -2, 3, -4, 5, -6, 7, -8, 9, -10}, new Shape(2, 5)));
            DynamicPruning pruning = new DynamicPruning(List.of(weight), 0.6f, 0, 4, 2, PruningImportance.MAGNITUDE);

            pruning.afterBackward(4); // the end step: full target sparsity
            pruning.afterUpdate();

            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 7, -8, 9, -10}, weight.getArray().toFloatArray(), 0f);
            assertEquals(0.6, pruning.measuredSparsity(), 1e-9);
        }
    }

    @Test
    void sparsityOutsideTheUnitIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new DynamicPruning(List.of(), 1f, 0, 4, 1, PruningImportance.MAGNITUDE));
    }
}
