package io.dsistream.models.continual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.util.List;
import java.util.Optional;

/**
 * What a continual round needs of the encoder: token states and pooled vectors of query-side texts (queries,
 * crops, inverse-cloze sentences, first tokens of documents), with gradients flowing into
 * {@link #trainableParameters()} while training. Only the query side is encoded here: document vectors are the ones
 * the index stored when each document was indexed, so documents are never re-encoded and stay comparable with the
 * stored vectors of the trie's leaves. {@link AdaptedQueryEncoder} is the encoder with LoRA-family adapters.
 */
public interface QuerySideEncoder {

    /** H, the width of states and pooled vectors. */
    int dimension();

    /**
     * Encodes {@code texts}, each cut to its own token limit.
     *
     * @param scope     owns every array returned and created
     * @param maxTokens per text its token limit, [CLS] and [SEP] included
     * @param training  true inside a gradient collector: dropout on, gradients recorded for the trainable parameters
     */
    QueryStates encode(NDManager scope, List<String> texts, int[] maxTokens, boolean training);

    /** The arrays a round updates; empty for a frozen encoder. */
    List<Parameter> trainableParameters();

    /** A term to add to the loss (AdaLoRA's orthogonality regulariser, eq. 4), in {@code scope}; empty by default. */
    default Optional<NDArray> regularization(NDManager scope) {
        return Optional.empty();
    }

    /** Called after each backward pass with the 0-based step (AdaLoRA's rank budget); nothing by default. */
    default void afterBackward(int step) {
    }
}
