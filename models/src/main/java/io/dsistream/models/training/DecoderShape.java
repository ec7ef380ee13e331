package io.dsistream.models.training;

import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.ids.IdVocabulary;

/**
 * The size of the ID decoder a trainer builds, when not {@link DecoderOptions#defaults}: layers, width, heads
 * (FFN 4 × width, dropout 0.1, tied output).
 */
public record DecoderShape(int layers, int width, int heads) {

    DecoderOptions options(IdVocabulary vocabulary, int memoryWidth) {
        return new DecoderOptions(vocabulary, layers, width, heads, 4 * width, 0.1f, memoryWidth, true);
    }
}
