package io.dsistream.models.decoder;

import io.dsistream.models.ids.IdVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderOptionsTest {

    @Test
    void defaultsMatchTheEncoderWidth() {
        DecoderOptions options = DecoderOptions.defaults(new IdVocabulary(4, 256));
        assertEquals(2, options.layers());
        assertEquals(384, options.width());
        assertEquals(6, options.heads());
        assertEquals(1536, options.ffnWidth());
        assertEquals(384, options.memoryWidth());
        assertEquals(5, options.maxInputLength());
        assertEquals(3 + 4 * 256, options.vocabulary().size());
    }

    @Test
    void jsonRoundTripKeepsEveryField(@TempDir Path dir) {
        DecoderOptions options = new DecoderOptions(new IdVocabulary(3, 10), 3, 48, 4, 96, 0.25f, 384, false);
        String json = options.toJson();
        assertEquals(options, DecoderOptions.fromJson(json));
        assertTrue(json.contains("\"codesPerPosition\":10"), json);

        Path file = dir.resolve("decoder.json");
        options.write(file);
        assertEquals(options, DecoderOptions.read(file));
    }

    @Test
    void invalidFieldsAreNamed() {
        IdVocabulary vocabulary = new IdVocabulary(3, 10);
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> new DecoderOptions(vocabulary, 2, 50, 6, 200, 0.1f, 50, true));
        assertTrue(heads.getMessage().contains("heads"), heads.getMessage());
        IllegalArgumentException dropout = assertThrows(IllegalArgumentException.class,
                () -> new DecoderOptions(vocabulary, 2, 48, 6, 200, 1.0f, 48, true));
        assertTrue(dropout.getMessage().contains("dropout"), dropout.getMessage());

        String renamed = DecoderOptions.defaults(vocabulary).toJson().replace("\"layers\"", "\"layer_count\"");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DecoderOptions.fromJson(renamed));
        assertTrue(missing.getMessage().contains("'layers'"), missing.getMessage());

        String extra = DecoderOptions.defaults(vocabulary).toJson().replace("{\"vocabulary\"", "{\"layer_count\":2,\"vocabulary\"");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DecoderOptions.fromJson(extra));
        assertTrue(unknown.getMessage().contains("layer_count"), unknown.getMessage());
    }
}
