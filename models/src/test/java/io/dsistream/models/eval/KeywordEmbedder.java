package io.dsistream.models.eval;

import io.dsistream.models.encoder.SentenceEmbedder;

import java.util.List;
import java.util.Locale;

/**
 * A deterministic stand-in for a neural encoder: dimension h counts occurrences of {@code KEYWORDS[h]} in the
 * lower-cased text; vectors are L2-normalised. Counts its {@code embed} calls and texts.
 */
final class KeywordEmbedder implements SentenceEmbedder {

    static final List<String> KEYWORDS = List.of("apple", "banana", "cherry", "date");

    int calls;
    int texts;

    @Override
    public int dimension() {
        return KEYWORDS.size();
    }

    @Override
    public float[][] embed(List<String> batch) {
        calls++;
        texts += batch.size();
        float[][] vectors = new float[batch.size()][KEYWORDS.size()];  // (B, H)
        for (int b = 0; b < batch.size(); b++) {
            String[] words = batch.get(b).toLowerCase(Locale.ROOT).split("\\W+");
            double norm = 0;
            for (int h = 0; h < KEYWORDS.size(); h++) {
                for (String word : words) {
                    if (word.equals(KEYWORDS.get(h))) {
                        vectors[b][h]++;
                    }
                }
                norm += vectors[b][h] * vectors[b][h];
            }
            for (int h = 0; h < KEYWORDS.size() && norm > 0; h++) {
                vectors[b][h] /= (float) Math.sqrt(norm);
            }
        }
        return vectors;
    }
}
