package io.dsistream.models.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @TempDir
    Path root;

    private static BundleManifest manifest() {
        return new BundleManifest("scifact", 1, null, "2026-11-22T00:00:00Z", "asi",
                new BundleManifest.EncoderRef("minilm", "abc123", 256),
                new BundleManifest.IdSchemeRef(3, 16, true),
                Map.of("quantizer", Map.of("file", "quantizer.bin", "kind", "mlp")),
                Map.of("pairs", 919), Map.of("ndcg@10", 0.6), Map.of("max_leaf", 12.0));
    }

    @Test
    void publishesNumberedVersionsAndReadsTheirManifestsBack() throws IOException {
        ModelRegistry registry = new ModelRegistry(root);
        Path v1 = registry.publish(manifest(), dir -> Files.writeString(dir.resolve("quantizer.bin"), "q1"));
        Path v2 = registry.publish(manifest().childVersion(2, "2026-11-22T01:00:00Z"),
                dir -> Files.writeString(dir.resolve("quantizer.bin"), "q2"));

        assertEquals(root.resolve("scifact/v1"), v1);
        assertEquals(root.resolve("scifact/v2"), v2);
        assertEquals(List.of(1, 2), registry.versions("scifact"));
        assertEquals(2, registry.latestVersion("scifact").orElseThrow());
        assertEquals("q2", Files.readString(v2.resolve("quantizer.bin")));

        BundleManifest read = ModelRegistry.readManifest(v2);
        assertEquals(2, read.version());
        assertEquals(1, read.parentVersion());
        assertEquals("quantizer.bin", read.componentFile("quantizer"));
        assertNull(read.componentFile("decoder"));
        assertEquals(manifest().encoder(), read.encoder());
        assertEquals(0.6, read.metrics().get("ndcg@10"));
    }

    @Test
    void aFailedWriteLeavesNoVersionBehind() {
        ModelRegistry registry = new ModelRegistry(root);
        assertThrows(IOException.class, () -> registry.publish(manifest(), dir -> {
            throw new IOException("disk full");
        }));
        assertTrue(registry.versions("scifact").isEmpty());
        assertEquals(0, root.resolve("scifact").toFile().list().length, "staging directory removed");
    }

    @Test
    void aMissingOrMalformedManifestIsNamed() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.readManifest(root));
        assertTrue(missing.getMessage().contains("manifest.json"), missing.getMessage());

        Files.writeString(root.resolve("manifest.json"), "{\"name\":\"x\",\"version\":1,\"method\":\"asi\"}");
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.readManifest(root));
        assertTrue(malformed.getMessage().contains("encoder"), malformed.getMessage());
    }
}
