package io.dsistream.models.continual;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's output for a batch of query-side texts, as a continual round consumes it.
 *
 * @param states {@code (B, S, H)} token states, the ID decoder's memory
 * @param mask   {@code (B, S)} 1 for real tokens, 0 for padding
 * @param pooled {@code (B, H)} pooled, L2-normalised sentence vectors (the quantizer's and L_bot's query side)
 */
public record QueryStates(NDArray states, NDArray mask, NDArray pooled) {
}
