package io.dsistream.models.bundle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.encoder.BertConfig;
import io.dsistream.models.encoder.BertEncoderBlock;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.TinyIdModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions v1, v2 … with parents, the newest read back, an adapter carried over the named base encoder. */
class VersionedRegistryTest {

    private static final int H = 384; // MiniLM's width: loading checks the quantizer against the encoder
    private static final BertConfig TINY = new BertConfig(2, 16, 2, 32, 30, 16, 2, 1e-12f);

    @TempDir
    Path root;

    private static EncoderAdapters trainedLora(NDManager manager, String base) {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        BertEncoderBlock block = new BertEncoderBlock(TINY);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
        EncoderAdapters lora = EncoderAdapters.attach(block, manager,
                AdapterOptions.builder(AdapterKind.LORA).optRank(4).build(), base);
        Random random = new Random(3);
        for (Parameter parameter : lora.state().values()) {
            float[] values = new float[Math.toIntExact(parameter.getArray().size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            parameter.getArray().set(values); // as if trained: B no longer zero
        }
        return lora;
    }

    @Test
    void publishesChildVersionsWithTheirAdapterAndReadsTheNewest() throws IOException {
        ModelRegistry registry = new ModelRegistry(root);
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch"); IdModel model = TinyIdModels.model(manager, corpus)) {
            BundleManifest v1 = registry.publish("scifact", model, EncoderSpec.MINILM, 256, null, null, Map.of(),
                    Map.of("round", 0), Map.of(), null);
            EncoderAdapters lora = trainedLora(manager, EncoderSpec.MINILM.cliName());
            BundleManifest v2 = registry.publish("scifact", model, EncoderSpec.MINILM, 256, v1.version(), lora,
                    Map.of(), Map.of("round", 1), Map.of("recall@10", 0.8), null);

            assertEquals(1, v1.version());
            assertNull(v1.parentVersion());
            assertEquals(2, v2.version());
            assertEquals(1, v2.parentVersion());
            assertEquals(List.of(1, 2), registry.versions("scifact"));
            assertEquals(root.resolve("scifact/v2"), registry.latestDirectory("scifact").orElseThrow());
            BundleManifest newest = registry.latestManifest("scifact").orElseThrow();
            assertEquals(2, newest.version());
            assertEquals(1, newest.parentVersion());
            assertEquals(v2.createdAt(), newest.createdAt());
            assertEquals(v2.components().keySet(), newest.components().keySet());
            assertEquals(Map.of("recall@10", 0.8), newest.metrics());
            assertEquals("lora", newest.components().get("adapter").get("kind"));
            assertEquals("minilm", newest.encoder().name());
            assertTrue(IdModelBundle.adapterFile(registry.bundleDirectory("scifact", 1)).isEmpty());

            Path adapter = IdModelBundle.adapterFile(registry.bundleDirectory("scifact", 2)).orElseThrow();
            IdModelBundle loaded = IdModelBundle.load(registry.bundleDirectory("scifact", 2), manager,
                    EncoderSpec.MINILM);
            assertEquals(model.assignments(), loaded.model().assignments());
            loaded.model().close();
            BertEncoderBlock fresh = new BertEncoderBlock(TINY);
            fresh.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            EncoderAdapters restored = EncoderAdapters.load(fresh, manager, "minilm", adapter);
            for (Map.Entry<String, Parameter> entry : lora.state().entrySet()) {
                assertArrayEquals(entry.getValue().getArray().toFloatArray(),
                        restored.state().get(entry.getKey()).getArray().toFloatArray(), entry.getKey());
            }
        }
    }

    @Test
    void aParentThatIsNotPublishedIsRefusedAndLeavesNothing() throws IOException {
        ModelRegistry registry = new ModelRegistry(root);
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch"); IdModel model = TinyIdModels.model(manager, corpus)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.publish(
                    "scifact", model, EncoderSpec.MINILM, 256, 3, null, Map.of(), Map.of(), Map.of(), null));
            assertTrue(e.getMessage().contains("'parentVersion'") && e.getMessage().contains("v3"), e.getMessage());
            EncoderAdapters other = trainedLora(manager, "bge-small");
            registry.publish("scifact", model, EncoderSpec.MINILM, 256, null, null, Map.of(), Map.of(), Map.of(),
                    null);
            IllegalArgumentException base = assertThrows(IllegalArgumentException.class, () -> registry.publish(
                    "scifact", model, EncoderSpec.MINILM, 256, 1, other, Map.of(), Map.of(), Map.of(), null));
            assertTrue(base.getMessage().contains("bge-small"), base.getMessage());
        }
        try (Stream<Path> left = Files.list(root.resolve("scifact"))) {
            assertEquals(List.of("v1"), left.map(p -> p.getFileName().toString()).toList(),
                    "no staging directory left behind");
        }
    }

    @Test
    void aPublisherThatLosesTheRaceForANumberTakesTheNext() throws IOException {
        ModelRegistry registry = new ModelRegistry(root);
        BundleManifest manifest = new BundleManifest("scifact", 1, null, "2026-11-22T00:00:00Z", "asi",
                new BundleManifest.EncoderRef("minilm", "abc123", 256), new BundleManifest.IdSchemeRef(3, 16, true),
                Map.of(), Map.of(), Map.of(), Map.of());
        // while the slow publisher writes, a fast one publishes v1
        Path slow = registry.publish(manifest, dir -> {
            registry.publish(manifest, fast -> Files.writeString(fast.resolve("who"), "fast"));
            Files.writeString(dir.resolve("who"), "slow");
        });
        assertEquals(root.resolve("scifact/v2"), slow);
        assertEquals("fast", Files.readString(root.resolve("scifact/v1/who")));
        assertEquals("slow", Files.readString(slow.resolve("who")));
        assertEquals(2, ModelRegistry.readManifest(slow).version());
    }
}
