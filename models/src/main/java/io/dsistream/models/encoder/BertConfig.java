package io.dsistream.models.encoder;

/**
 * The shape of a Hugging Face BERT encoder.
 *
 * @param layers              transformer layers
 * @param hiddenSize          width H of every token state
 * @param heads               attention heads; {@code hiddenSize} must be a multiple of it
 * @param intermediateSize    width of the feed-forward layer
 * @param vocabularySize      word-piece vocabulary size
 * @param maxPositions        learned position embeddings, i.e. the longest input in tokens
 * @param typeVocabularySize  token type (segment) embeddings
 * @param layerNormEpsilon    LayerNorm epsilon ({@code 1e-12} in BERT)
 */
public record BertConfig(int layers, int hiddenSize, int heads, int intermediateSize, int vocabularySize,
                         int maxPositions, int typeVocabularySize, float layerNormEpsilon) {

    public BertConfig {
        if (layers < 1 || hiddenSize < 1 || heads < 1 || intermediateSize < 1 || vocabularySize < 1
                || maxPositions < 1 || typeVocabularySize < 1) {
            throw new IllegalArgumentException("every BERT size must be positive: " + this);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " is not a multiple of heads " + heads);
        }
    }

    /** A BERT with the uncased word-piece vocabulary (30,522), 512 positions, 2 token types and 4·H feed-forward. */
    public static BertConfig uncased(int layers, int hiddenSize, int heads) {
        return new BertConfig(layers, hiddenSize, heads, 4 * hiddenSize, 30522, 512, 2, 1e-12f);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenSize / heads;
    }
}
