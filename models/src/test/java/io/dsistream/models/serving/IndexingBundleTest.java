package io.dsistream.models.serving;

import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.SentenceEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexingBundleTest {

    /** Texts "topic-k ..." embed near the k-th of 4 random unit directions, so k-means finds the topics. */
    private static final class TopicEmbedder implements SentenceEmbedder {
        private final float[][] topics = new float[4][16];

        TopicEmbedder() {
            Random random = new Random(7);
            for (float[] t : topics) {
                for (int j = 0; j < t.length; j++) {
                    t[j] = (float) random.nextGaussian();
                }
            }
        }

        @Override
        public int dimension() {
            return 16;
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                int topic = text.charAt(6) - '0';
                Random noise = new Random(text.hashCode());
                float[] v = topics[topic].clone();
                double norm = 0;
                for (int j = 0; j < v.length; j++) {
                    v[j] += 0.05f * (float) noise.nextGaussian();
                    norm += v[j] * v[j];
                }
                for (int j = 0; j < v.length; j++) {
                    v[j] /= (float) Math.sqrt(norm);
                }
                out[i] = v;
            }
            return out;
        }
    }

    @Test
    void bootstrapPublishesVersionOneWhoseAssignerSeparatesTopicsAndReloadsIdentically(@TempDir Path dir) {
        ModelRegistry registry = new ModelRegistry(dir);
        TopicEmbedder embedder = new TopicEmbedder();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("topic-" + (i % 4) + " document " + i);
        }
        IndexingBundle bundle = IndexingBundle.latestOrBootstrap(registry, "demo", embedder, EncoderSpec.MINILM, 128,
                texts, 100);
        assertEquals("demo/v1", bundle.modelVersion());
        assertEquals(EncoderSpec.MINILM, bundle.encoderSpec());
        assertEquals(128, bundle.encoderOptions(8).maxLength());
        // forCorpus(100): V = 8 (512 leaves >= 25 wanted), L = 3
        assertEquals(3, bundle.manifest().idScheme().positions());
        assertEquals(8, bundle.manifest().idScheme().codesPerPosition());

        float[][] embeddings = embedder.embed(texts);
        int[][] first;
        try (IdAssigner assigner = bundle.openAssigner()) {
            assertEquals("demo/v1", assigner.modelVersion());
            first = assigner.assign(embeddings);
        }
        // V = 8 codebook entries over 4 tight topics: a topic may take two first codes, but no two topics share one.
        for (int i = 0; i < texts.size(); i++) {
            for (int j = 0; j < texts.size(); j++) {
                if (i % 4 != j % 4) {
                    assertNotEquals(first[i][0], first[j][0], texts.get(i) + " vs " + texts.get(j));
                }
            }
        }
        for (int[] id : first) {
            for (int code : id) {
                assertTrue(code >= 0 && code < 8);
            }
        }
        // A second call finds version 1 and does not bootstrap again; its quantizer assigns the same IDs.
        IndexingBundle again = IndexingBundle.latestOrBootstrap(registry, "demo", embedder, EncoderSpec.MINILM, 128,
                List.of(), 100);
        assertEquals("demo/v1", again.modelVersion());
        assertEquals(List.of(1), registry.versions("demo"));
        try (IdAssigner assigner = again.openAssigner()) {
            int[][] second = assigner.assign(embeddings);
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(first[i], second[i]);
            }
        }
        assertSame(EncoderSpec.MINILM, again.encoderSpec());
    }

    @Test
    void bootstrapNeedsAtLeastVTexts(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexingBundle.bootstrap(
                new ModelRegistry(dir), "demo", new TopicEmbedder(), EncoderSpec.MINILM, 128,
                List.of("topic-0 a", "topic-1 b"), 100));
        assertTrue(e.getMessage().contains("at least V = 8"), e.getMessage());
    }
}
