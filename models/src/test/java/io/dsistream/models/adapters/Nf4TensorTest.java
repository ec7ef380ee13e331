package io.dsistream.models.adapters;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.HfTensor;
import io.dsistream.models.encoder.OnnxWeights;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NF4 quantise → de-quantise: hand-checked levels, the per-element error bound, the memory held. */
class Nf4TensorTest {

    @Test
    void levelsAndAbsmaxAreExactAndOtherValuesRoundToTheNearestLevel() {
        // One block of 4: absmax 2; 2 → level 1.0, −2 → −1.0, 0 → 0.0, 1.1 → 0.55 → nearest level 0.5626.
        Nf4Tensor q = Nf4Tensor.quantize(new float[] {2f, -2f, 0f, 1.1f}, new long[] {2, 2}, 4, false);

        assertArrayEquals(new float[] {2f, -2f, 0f, 0.5626170039176941f * 2f}, q.dequantize(), 1e-7f);
        assertEquals(7, Nf4Tensor.nearestLevel(0f));
        assertEquals(0, Nf4Tensor.nearestLevel(-0.9f));
        assertEquals(15, Nf4Tensor.nearestLevel(0.9f));
        // 4 codes in 2 bytes + one FP32 scale
        assertEquals(2 + 4, q.heldBytes());
    }

    @Test
    void randomWeightsStayWithinTheTheoreticalBound() {
        Random random = new Random(7);
        float[] values = new float[384 * 384 + 17]; // a ragged last block too
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.05);
        }
        for (boolean doubleQuantization : new boolean[] {false, true}) {
            Nf4Tensor q = Nf4Tensor.quantize(values, new long[] {values.length}, 64, doubleQuantization);
            assertWithinBound(values, q);
        }
    }

    @Test
    void realMiniLmWeightsStayWithinTheBoundAtUnderAThirdOfTheirFp32Memory() {
        OnnxWeights weights = OnnxWeights.read(EncoderSpec.MINILM.onnx());
        for (String name : List.of("encoder.layer.0.attention.self.query.weight",
                "encoder.layer.3.attention.output.dense.weight", "encoder.layer.5.intermediate.dense.weight")) {
            HfTensor tensor = weights.tensor(name);
            for (boolean doubleQuantization : new boolean[] {false, true}) {
                Nf4Tensor q = Nf4Tensor.quantize(tensor.data(), tensor.shape(), 64, doubleQuantization);
                assertWithinBound(tensor.data(), q);
                double ratio = (double) q.heldBytes() / q.fp32Bytes();
                // 4 bits of 32 plus a 32-bit (or 8-bit) scale per 64 weights: 14.1% (12.9% double-quantised)
                assertEquals(doubleQuantization ? 0.1289 : 0.1406, ratio, 5e-4, name);
            }
        }
    }

    @Test
    void rowLookupEqualsDequantiseThenGatherEvenWhenRowsStraddleBlocks() {
        // 7 rows of 24 columns, blocks of 16: rows 1, 2, 4 and 5 start inside a block; the last block is ragged
        Random random = new Random(3);
        float[] values = new float[7 * 24];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        long[] rows = {5, 0, 5, 6, 1};
        for (boolean doubleQuantization : new boolean[] {false, true}) {
            Nf4Tensor q = Nf4Tensor.quantize(values, new long[] {7, 24}, 16, doubleQuantization);
            float[] table = q.dequantize();
            float[] expected = new float[rows.length * 24];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(table, (int) rows[r] * 24, expected, r * 24, 24);
            }

            assertArrayEquals(expected, q.dequantizeRows(rows), 0f, "double quantisation " + doubleQuantization);
        }
    }

    @Test
    void rowLookupRejectsAnIdOutsideTheTable() {
        Nf4Tensor q = Nf4Tensor.quantize(new float[12], new long[] {3, 4}, 4, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.dequantizeRows(new long[] {0, 3}));
        assertTrue(e.getMessage().contains("row index 3 at position 1"), e.getMessage());
        Nf4Tensor flat = Nf4Tensor.quantize(new float[12], new long[] {12}, 4, false);
        assertThrows(IllegalStateException.class, () -> flat.dequantizeRows(new long[] {0}));
    }

    @Test
    void realMiniLmEmbeddingTablesStayWithinTheBound() {
        OnnxWeights weights = OnnxWeights.read(EncoderSpec.MINILM.onnx());
        for (String name : List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight")) {
            HfTensor tensor = weights.tensor(name);
            Nf4Tensor q = Nf4Tensor.quantize(tensor.data(), tensor.shape(), 64, true);
            assertWithinBound(tensor.data(), q);
            // 384 columns = 6 whole blocks per row: codes + int8 scale per block + FP32 per 256 blocks + the mean
            long values = tensor.shape()[0] * 384;
            long blocks = values / 64;
            assertEquals(values / 2 + blocks + 4 * ((blocks + 255) / 256) + 4, q.heldBytes(), name);
        }
    }

    @Test
    void aShapeThatDoesNotHoldTheValuesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nf4Tensor.quantize(new float[6], new long[] {2, 2}, 64, false));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    private static void assertWithinBound(float[] values, Nf4Tensor q) {
        float[] restored = q.dequantize();
        double worst = 0;
        for (int i = 0; i < values.length; i++) {
            double error = Math.abs(values[i] - restored[i]);
            double bound = q.errorBound(values, i);
            assertTrue(error <= bound, "element " + i + ": error " + error + " exceeds bound " + bound);
            worst = Math.max(worst, error);
        }
        assertTrue(worst > 0, "quantisation must lose something on real-valued weights");
    }
}
