package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import io.dsistream.models.encoder.BertEmbeddingTable;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QLoRA's NF4 embedding tables: the lookup, its error bound, and the memory of a whole quantised MiniLM. */
class QLoraEncoderTest {

    @Test
    void nf4LookupEqualsDequantiseThenLookupAndStaysWithinTheBound() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // 40 rows of 24: with blocks of 16 most rows start or end inside a block
            BertEmbeddingTable table = new BertEmbeddingTable(40, 24);
            table.initialize(manager, DataType.FLOAT32, new Shape(1));
            Random random = new Random(5);
            float[] values = new float[40 * 24];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.05);
            }
            table.weight().getArray().set(values);
            long[][] ids = {{3, 39, 0, 3}, {17, 1, 22, 38}};
            AdapterOptions options = AdapterOptions.builder(AdapterKind.QLORA).optNf4BlockSize(16).build();

            Nf4EmbeddingTable nf4 = new Nf4EmbeddingTable(table, options);
            assertFalse(table.weight().isInitialized(), "the FP32 table is closed");
            float[] looked;
            float[] reference;
            try (NDManager scope = manager.newSubManager()) {
                NDArray idArray = scope.create(ids);
                NDArray out = nf4.forward(new ParameterStore(scope, false), new NDList(idArray), false).head();
                assertEquals(new Shape(2, 4, 24), out.getShape());
                looked = out.toFloatArray();
                NDArray dequantized = scope.create(nf4.quantized().dequantize(), new Shape(40, 24));
                reference = Embedding.embedding(idArray, dequantized, SparseFormat.DENSE).head().toFloatArray();
            }
            assertArrayEquals(reference, looked, 0f, "NF4 lookup = de-quantise, then look up");
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 4; t++) {
                    for (int h = 0; h < 24; h++) {
                        int element = (int) ids[b][t] * 24 + h;
                        double error = Math.abs(looked[(b * 4 + t) * 24 + h] - values[element]);
                        assertTrue(error <= nf4.quantized().errorBound(values, element),
                                "id " + ids[b][t] + " column " + h + ": error " + error);
                    }
                }
            }
            assertEquals(40 * 24 / 2 + 60 + 4 + 4, nf4.heldBytes()); // codes, int8 scales, one group scale, mean
        }
    }

    @Test
    void onlyAnEmbeddingTableCanBeReplaced() {
        AdapterOptions options = AdapterOptions.builder(AdapterKind.QLORA).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Nf4EmbeddingTable(ai.djl.nn.core.Linear.builder().setUnits(2).build(), options));
        assertTrue(e.getMessage().contains("Linear"), e.getMessage());
    }

    @Test
    void qloraMiniLmHoldsItsBaseWeightsInUnderThirtyPercentAndStillEmbedsAlike() {
        List<String> texts = List.of("Vitamin D deficiency is associated with higher mortality.",
                "The ribosome translates messenger RNA into protein.",
                "42% of patients improved after 3.5 years of treatment.");
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM)) {
            float[][] fp32 = encoder.embed(texts);
            EncoderAdapters qlora = EncoderAdapters.attach(encoder, AdapterOptions.builder(AdapterKind.QLORA).build());

            assertInstanceOf(Nf4EmbeddingTable.class, encoder.block().find("embeddings.word_embeddings"));
            assertInstanceOf(Nf4EmbeddingTable.class, encoder.block().find("embeddings.position_embeddings"));
            assertInstanceOf(BertEmbeddingTable.class, encoder.block().find("embeddings.token_type_embeddings"));
            // Counted by hand, block 64 with double quantisation (codes n/2 + int8 scale per block + FP32 per 256
            // blocks + mean): word 6,046,224; position 101,428; per layer 4 × 76,072 + 2 × 304,276; FP32 left:
            // token types, LayerNorms and biases, 31,488 values.
            long expected = 6_046_224L + 101_428L + 6L * (4 * 76_072L + 2 * 304_276L) + 4L * 31_488;
            assertEquals(expected, qlora.baseWeightBytes());
            assertEquals(4L * 22_565_376, qlora.baseFp32Bytes());
            assertTrue(qlora.baseWeightBytes() <= 0.30 * qlora.baseFp32Bytes(),
                    qlora.baseWeightBytes() + " of " + qlora.baseFp32Bytes());
            long[] tables = qlora.quantizedEmbeddingBytes();
            assertEquals(6_046_224L + 101_428L, tables[0]);
            assertEquals(4L * (30_522 + 512) * 384, tables[1]);

            float[][] nf4 = encoder.embed(texts); // LoRA B = 0: only the 4-bit base differs
            for (int i = 0; i < texts.size(); i++) {
                double cosine = cosine(fp32[i], nf4[i]);
                assertTrue(cosine > 0.95 && cosine < 1 - 1e-6, "text " + i + ": cosine " + cosine);
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
