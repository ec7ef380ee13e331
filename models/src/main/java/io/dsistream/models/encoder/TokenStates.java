package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's last hidden states for a batch, for consumers that work per token (the ID decoder's
 * cross-attention, the NAIL head). All three arrays belong to the manager passed to
 * {@link TextEncoder#encodeTokens}; closing this closes them early.
 *
 * @param hidden        {@code (B, T, H)} float32; rows past a text's length are padding and meaningless
 * @param attentionMask {@code (B, T)} int64, 1 for real tokens, 0 for padding
 * @param tokenIds      {@code (B, T)} int64 word-piece ids, [CLS] first and [SEP] last, pad id 0 after
 */
public record TokenStates(NDArray hidden, NDArray attentionMask, NDArray tokenIds) implements AutoCloseable {

    @Override
    public void close() {
        hidden.close();
        attentionMask.close();
        tokenIds.close();
    }
}
