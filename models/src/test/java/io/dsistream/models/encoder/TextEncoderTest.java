package io.dsistream.models.encoder;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MiniLM end to end: offline loading, batching, token states, tokenizer. */
class TextEncoderTest {

    private static TextEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = TextEncoder.load(EncoderSpec.MINILM);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void loadsOfflineAndProducesAUnitVector() {
        assertEquals("true", System.getProperty("ai.djl.offline"), "the build must run DJL offline");
        assertTrue(DjlOffline.isOffline());

        float[][] vectors = encoder.embed(List.of("Offline encoders never download anything."));

        assertEquals(1, vectors.length);
        assertEquals(384, vectors[0].length);
        assertEquals(1.0, EncoderGoldenTest.dot(vectors[0], vectors[0]), 1e-5);
    }

    @Test
    void aLayerBoundaryIsReachedBetweenLayersAndChangesNoEmbedding() throws InterruptedException {
        List<String> texts = EncoderGoldenTest.SENTENCES;
        List<Integer> reached = Collections.synchronizedList(new ArrayList<>());
        float[][] withBoundary = encoder.embed(texts, reached::add);
        float[][] plain = encoder.embed(texts);
        int layers = encoder.block().config().layers();
        int passes = (texts.size() + encoder.options().batchSize() - 1) / encoder.options().batchSize();
        assertEquals(passes * (layers - 1), reached.size(), "one call between every two layers of every pass");
        assertEquals(List.of(0, 1, 2, 3, 4), reached.subList(0, layers - 1));
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(plain[i], withBoundary[i], 0f, "text " + i);
        }
    }

    @Test
    void anInterruptionAtALayerBoundaryAbandonsThePass() {
        InterruptedException stop = new InterruptedException("stop");
        InterruptedException thrown = assertThrows(InterruptedException.class,
                () -> encoder.embed(List.of("a claim"), layer -> {
                    throw stop;
                }));
        assertSame(stop, thrown);
    }

    @Test
    void batchedEmbeddingsEqualOneByOneEmbeddings() {
        List<String> texts = EncoderGoldenTest.SENTENCES;
        float[][] batched = encoder.embed(texts);
        // Batches of 3 over texts sorted by length: several batches, each padded differently.
        try (TextEncoder smallBatches = TextEncoder.load(EncoderSpec.MINILM,
                EncoderOptions.builder().optBatchSize(3).build())) {
            float[][] inBatchesOfThree = smallBatches.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = encoder.embed(List.of(texts.get(i)))[0];
                assertArrayEquals(alone, batched[i], 1e-5f, "text " + i + " batched with all others");
                assertArrayEquals(alone, inBatchesOfThree[i], 1e-5f, "text " + i + " in batches of three");
            }
        }
    }

    @Test
    void embedKeepsInputOrder() {
        List<String> texts = new ArrayList<>(EncoderGoldenTest.SENTENCES);
        float[][] forward = encoder.embed(texts);
        Collections.reverse(texts);
        float[][] reversed = encoder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(forward[i], reversed[texts.size() - 1 - i], 1e-5f, "text " + i);
        }
        assertEquals(0, encoder.embed(List.of()).length);
    }

    @Test
    void embedLeavesNoArraysBehind() {
        int before = ((BaseNDManager) encoder.manager()).getManagedArrays().size();
        encoder.embed(EncoderGoldenTest.SENTENCES);
        assertEquals(before, ((BaseNDManager) encoder.manager()).getManagedArrays().size());
    }

    @Test
    void tokenStatesBelongToTheCallerAndCarryNoAutogradGraph() throws InterruptedException {
        List<String> texts = List.of("hello world", "a somewhat longer second text");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // A fresh thread has PyTorch's grad mode on; the encoder must switch it off for its own pass.
        Thread worker = new Thread(() -> {
            try (NDManager owner = NDManager.newBaseManager(encoder.device())) {
                TokenStates states = encoder.encodeTokens(texts, owner);
                assertSame(owner, states.hidden().getManager());
                assertSame(owner, states.attentionMask().getManager());
                assertSame(owner, states.tokenIds().getManager());
                long length = encoder.tokenizer().encode(texts.get(1)).length;
                assertArrayEquals(new long[] {2, length, 384}, states.hidden().getShape().getShape());
                long[] mask = states.attentionMask().toLongArray();
                long[] firstRow = new long[(int) length];
                java.util.Arrays.fill(firstRow, 0, 4, 1L);
                assertArrayEquals(firstRow, java.util.Arrays.copyOf(mask, (int) length),
                        "'hello world' is 4 tokens, then padding");
                assertEquals(4 + length, java.util.Arrays.stream(mask).sum());
                assertArrayEquals(new long[] {101, 7592, 2088, 102}, java.util.Arrays.copyOf(
                        states.tokenIds().toLongArray(), 4));
                assertFalse(JniUtils.requiresGrad((PtNDArray) states.hidden()), "inference recorded autograd");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(encoder.block().getParameters().values().stream().allMatch(p -> p.requiresGradient()),
                "parameters stay trainable for fine-tuning");
    }

    @Test
    void tokenizerUsesTheBertUncasedVocabularyAndTruncates() {
        EncoderTokenizer tokenizer = encoder.tokenizer();
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, tokenizer.encode("Hello world"),
                "no padding to the 128 written in MiniLM's tokenizer.json");
        assertEquals(0, tokenizer.padTokenId());
        assertEquals(101, tokenizer.clsTokenId());
        assertEquals(102, tokenizer.sepTokenId());
        assertEquals(103, tokenizer.maskTokenId());
        assertEquals(30522, tokenizer.vocabularySize());
        assertEquals(List.of("token", "##izer"), tokenizer.tokens("tokenizer"));
        assertEquals("hello world", tokenizer.decode(tokenizer.encode("Hello world")));
        long[] longest = tokenizer.encode("word ".repeat(1000));
        assertEquals(256, longest.length);
        assertEquals(102, longest[255], "[SEP] survives truncation");
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenId("not-a-piece"));
    }

    @Test
    void benchmarkCountsDocumentsAndTokensPerBatchSize() {
        List<String> texts = EncoderGoldenTest.SENTENCES.subList(0, 5);
        long[] lengths = texts.stream().mapToLong(t -> encoder.tokenizer().encode(t).length).toArray();

        List<EncoderBenchmarkResult> results = EncoderBenchmark.builder().optBatchSizes(1, 2).optWarmupBatches(1)
                .optDocumentsPerSize(4).build().run(encoder, texts);

        assertEquals(2, results.size());
        EncoderBenchmarkResult single = results.get(0);
        // Warm-up takes text 0; the measured part texts 1..4, unpadded.
        assertEquals(4, single.documents());
        assertEquals(lengths[1] + lengths[2] + lengths[3] + lengths[4], single.tokens());
        assertEquals(single.tokens(), single.paddedTokens());
        EncoderBenchmarkResult pairs = results.get(1);
        // Warm-up takes texts 0, 1; then the pairs (2, 3) and (4, 0), each padded to its longer text.
        assertEquals(2, pairs.batchSize());
        assertEquals(lengths[2] + lengths[3] + lengths[4] + lengths[0], pairs.tokens());
        assertEquals(2 * Math.max(lengths[2], lengths[3]) + 2 * Math.max(lengths[4], lengths[0]),
                pairs.paddedTokens());
        assertTrue(pairs.peakResidentBytes() > 100L << 20, "libtorch and the weights are resident");
        assertTrue(EncoderBenchmark.table(results).contains("| minilm | cpu() | 2 | 256 | 4 |"),
                EncoderBenchmark.table(results));
        assertThrows(IllegalArgumentException.class,
                () -> EncoderBenchmark.builder().optBatchSizes(64).build().run(encoder, texts));
    }

    @Test
    void concurrentCallsGiveTheSameVectorsAsSequentialOnes() throws Exception {
        List<String> texts = EncoderGoldenTest.SENTENCES;
        float[][] sequential = encoder.embed(texts);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<float[][]>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit(() -> encoder.embed(texts)));
            }
            for (java.util.concurrent.Future<float[][]> future : futures) {
                float[][] concurrent = future.get();
                for (int t = 0; t < texts.size(); t++) {
                    assertArrayEquals(sequential[t], concurrent[t], 1e-5f, "text " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
