package io.dsistream.models.ids;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityBoundedAssignmentTest {

    /** L = 2 positions of V = 2 codes, probabilities written out; rows are [p0c0, p0c1, p1c0, p1c1]. */
    private static float[] row(double p0c0, double p1c0) {
        return new float[] {(float) Math.log(p0c0), (float) Math.log(1 - p0c0), (float) Math.log(p1c0),
                (float) Math.log(1 - p1c0)};
    }

    // doc 0: leaf 0.0 with 0.9 * 0.8 = 0.72 (most confident)
    // doc 1: 0.0 = 0.42, 1.0 = 0.28, 0.1 = 0.18, 1.1 = 0.12 (least confident)
    // doc 2: 1.0 = 0.55 * 0.9 = 0.495
    private static final float[][] LOG_PROBS = {row(0.9, 0.8), row(0.6, 0.7), row(0.45, 0.9)};

    @Test
    void capacityOneMovesTheLeastConfidentDocumentToItsBestFreeLeaf() {
        int[][] ids = new CapacityBoundedAssignment(2, 2, 1).assign(LOG_PROBS);
        assertArrayEquals(new int[] {0, 0}, ids[0]);
        // 0.0 (0.42) is taken by doc 0 and 1.0 (0.28) by doc 2, which are placed first: next is 0.1 (0.18)
        assertArrayEquals(new int[] {0, 1}, ids[1]);
        assertArrayEquals(new int[] {1, 0}, ids[2]);
    }

    @Test
    void roomyCapacityIsThePlainArgmax() {
        int[][] ids = new CapacityBoundedAssignment(2, 2, 2).assign(LOG_PROBS);
        assertArrayEquals(new int[] {0, 0}, ids[0]);
        assertArrayEquals(new int[] {0, 0}, ids[1]);
        assertArrayEquals(new int[] {1, 0}, ids[2]);
    }

    @Test
    void fourIdenticalDocumentsFillAllFourLeavesBestFirst() {
        float[] same = row(0.7, 0.6); // 0.0 = 0.42, 0.1 = 0.28, 1.0 = 0.18, 1.1 = 0.12
        int[][] ids = new CapacityBoundedAssignment(2, 2, 1).assign(new float[][] {same, same, same, same});
        // equal confidence: document order decides
        assertArrayEquals(new int[] {0, 0}, ids[0]);
        assertArrayEquals(new int[] {0, 1}, ids[1]);
        assertArrayEquals(new int[] {1, 0}, ids[2]);
        assertArrayEquals(new int[] {1, 1}, ids[3]);
    }

    @Test
    void noLeafExceedsTheCapacityOnALargerSpace() {
        // 3 positions of 4 codes, 200 documents that all prefer leaf 0.0.0 to different degrees
        int positions = 3;
        int codes = 4;
        float[][] rows = new float[200][positions * codes];
        java.util.Random random = new java.util.Random(7);
        for (float[] r : rows) {
            for (int p = 0; p < positions; p++) {
                double[] weights = new double[codes];
                double sum = 0;
                for (int c = 0; c < codes; c++) {
                    weights[c] = (c == 0 ? 5 : 1) * random.nextDouble() + 1e-3;
                    sum += weights[c];
                }
                for (int c = 0; c < codes; c++) {
                    r[p * codes + c] = (float) Math.log(weights[c] / sum);
                }
            }
        }
        int[][] ids = new CapacityBoundedAssignment(positions, codes, 4).assign(rows);
        java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
        for (int[] id : ids) {
            sizes.merge(SemanticId.of(id).toString(), 1, Integer::sum);
        }
        assertTrue(sizes.values().stream().allMatch(size -> size <= 4), sizes.toString());
        assertTrue(sizes.size() >= 50, "at least 200 / 4 leaves, got " + sizes.size());
        assertEquals(200, sizes.values().stream().mapToInt(Integer::intValue).sum());
        // an unbounded capacity gives the argmax per position
        int[][] argmax = new CapacityBoundedAssignment(positions, codes, 200).assign(rows);
        for (int d = 0; d < rows.length; d++) {
            for (int p = 0; p < positions; p++) {
                int best = 0;
                for (int c = 1; c < codes; c++) {
                    if (rows[d][p * codes + c] > rows[d][p * codes + best]) {
                        best = c;
                    }
                }
                assertEquals(best, argmax[d][p], "document " + d + " position " + p);
            }
        }
    }

    @Test
    void tooManyDocumentsAndBadRowsAreRejected() {
        float[] same = row(0.7, 0.6);
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> new CapacityBoundedAssignment(2, 2, 1).assign(new float[][] {same, same, same, same, same}));
        assertTrue(full.getMessage().contains("5 documents do not fit 4 leaves"), full.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new CapacityBoundedAssignment(2, 2, 1).assign(new float[][] {new float[3]}));
        assertTrue(width.getMessage().contains("document 0"), width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CapacityBoundedAssignment(2, 2, 0));
    }
}
