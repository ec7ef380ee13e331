package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden tests on a fixed tiny decoder (seed 7, width 16, memory width 12): its DJL forward equals a plain-Java
 * re-implementation of the equations, and its greedy ID and first log-probabilities stay what they were when this
 * test was written (the seeded initialiser draws from java.util.Random, so these do not depend on the engine).
 */
@ExtendWith(SingleIntraOpThread.class)
class IdDecoderGoldenTest {

    private static final DecoderOptions TINY =
            new DecoderOptions(new IdVocabulary(3, 5), 2, 16, 4, 32, 0.1f, 12, true);
    private static final int MEMORY_LENGTH = 6;
    private static final int REAL_TOKENS = 4;

    @Test
    void djlForwardEqualsThePlainJavaReference() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IdDecoder decoder = IdDecoder.create(TINY, manager, 7L);
            float[][][] memory = memory(2);
            long[][] tokens = {{1, 4, 12, 17}, {1, 7, 8, 2}};
            float[] mask = mask();
            NDArray logits = decoder.logits(toArray(manager, memory), manager.create(new float[][] {mask, mask}),
                    manager.create(tokens), false);
            float[] actual = logits.toFloatArray();

            ReferenceIdDecoder reference = new ReferenceIdDecoder(decoder);
            int vocabularySize = TINY.vocabulary().size();
            for (int b = 0; b < 2; b++) {
                double[][] expected = reference.logits(memory[b], mask, tokens[b]);
                for (int t = 0; t < tokens[b].length; t++) {
                    for (int v = 0; v < vocabularySize; v++) {
                        assertEquals(expected[t][v], actual[(b * tokens[b].length + t) * vocabularySize + v], 1e-5,
                                "row " + b + " position " + t + " token " + v);
                    }
                }
            }
        }
    }

    @Test
    void seededTinyDecoderKeepsItsGreedyIdAndLogProbabilities() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IdDecoder decoder = IdDecoder.create(TINY, manager, 7L);
            NDArray memory = toArray(manager, memory(1)).squeeze(0); // (S, H)
            NDArray mask = manager.create(mask()); // (S)
            NextTokenScorer scorer = decoder.scorerFor(memory, mask);
            float[] first = scorer.nextTokenLogProbs(List.of(new int[0]))[0];
            // greedy over the codes allowed at each position, as a trie-constrained search would see them
            IdVocabulary vocabulary = TINY.vocabulary();
            int[] greedy = new int[0];
            int[] codes = new int[vocabulary.maxLength()];
            for (int position = 0; position < vocabulary.maxLength(); position++) {
                float[] logProbs = scorer.nextTokenLogProbs(List.of(greedy))[0];
                int best = 0;
                for (int code = 1; code < vocabulary.codesPerPosition(); code++) {
                    if (logProbs[vocabulary.token(position, code)] > logProbs[vocabulary.token(position, best)]) {
                        best = code;
                    }
                }
                codes[position] = best;
                greedy = Arrays.copyOf(greedy, greedy.length + 1);
                greedy[position] = vocabulary.token(position, best);
            }
            // PAD, BOS, EOS, then the five codes of position 0
            float[] expectedFirst = {-2.875154f, -2.6980424f, -2.7978024f,
                    -2.8967628f, -2.9783993f, -2.9484048f, -2.905076f, -2.8920112f};
            assertArrayEquals(expectedFirst, Arrays.copyOf(first, 8), 1e-4f);
            assertArrayEquals(new int[] {4, 2, 0}, codes);
        }
    }

    /** (B, S, 12) memory from a seeded Java generator. */
    private static float[][][] memory(int batch) {
        Random random = new Random(99);
        float[][][] memory = new float[batch][MEMORY_LENGTH][12];
        for (float[][] row : memory) {
            for (float[] token : row) {
                for (int i = 0; i < token.length; i++) {
                    token[i] = (float) random.nextGaussian();
                }
            }
        }
        return memory;
    }

    private static float[] mask() {
        float[] mask = new float[MEMORY_LENGTH];
        Arrays.fill(mask, 0, REAL_TOKENS, 1f);
        return mask;
    }

    private static NDArray toArray(NDManager manager, float[][][] memory) {
        float[] flat = new float[memory.length * MEMORY_LENGTH * 12];
        int i = 0;
        for (float[][] row : memory) {
            for (float[] token : row) {
                for (float value : token) {
                    flat[i++] = value;
                }
            }
        }
        return manager.create(flat, new Shape(memory.length, MEMORY_LENGTH, 12));
    }
}
