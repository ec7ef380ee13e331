package io.dsistream.models.continual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.djl.NoGradScope;
import io.dsistream.models.encoder.BertEncoderBlock;
import io.dsistream.models.encoder.Pooling;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.encoder.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The BERT encoder with LoRA-family adapters attached ({@link EncoderAdapters}; the base frozen), or frozen as a
 * whole when no adapters are given. Forward passes run the block directly, so the adapters receive gradients; the
 * adapters are those of the block itself, so a {@link TextEncoder} over the same block serves the tuned model.
 *
 * <p>Not thread-safe; the round that trains it owns it (a trainer loads its own encoder instance, apart from the
 * serving ones).
 */
public final class AdaptedQueryEncoder implements QuerySideEncoder {

    private final BertEncoderBlock block;
    private final EncoderAdapters adapters;
    private final Pooling pooling;
    private final Function<String, long[]> tokenizer;
    private final long padId;
    private final long sepId;

    /**
     * @param adapters  attached to {@code block}, or null for a frozen encoder
     * @param tokenizer text → word-piece ids with [CLS] first and [SEP] last
     */
    public AdaptedQueryEncoder(BertEncoderBlock block, EncoderAdapters adapters, Pooling pooling,
                               Function<String, long[]> tokenizer, long padId, long sepId) {
        this.block = block;
        this.adapters = adapters;
        this.pooling = pooling;
        this.tokenizer = tokenizer;
        this.padId = padId;
        this.sepId = sepId;
    }

    /** Over a loaded encoder and the adapters attached to it (null: frozen). */
    public static AdaptedQueryEncoder of(TextEncoder encoder, EncoderAdapters adapters) {
        return new AdaptedQueryEncoder(encoder.block(), adapters, encoder.spec().pooling(),
                encoder.tokenizer()::encode, encoder.tokenizer().padTokenId(), encoder.tokenizer().sepTokenId());
    }

    /** The adapters trained, or null for a frozen encoder. */
    public EncoderAdapters adapters() {
        return adapters;
    }

    @Override
    public int dimension() {
        return block.config().hiddenSize();
    }

    @Override
    public QueryStates encode(NDManager scope, List<String> texts, int[] maxTokens, boolean training) {
        if (texts.size() != maxTokens.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + maxTokens.length + " token limits");
        }
        List<long[]> sequences = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            sequences.add(cut(tokenizer.apply(texts.get(i)), maxTokens[i]));
        }
        boolean record = training && adapters != null;
        try (NoGradScope ignored = record ? null : NoGradScope.enter(scope)) {
            NDList inputs = TokenBatch.pad(sequences, padId).toNDList(scope);
            NDArray states = block.forward(new ParameterStore(scope, false), inputs, training).head(); // (B, T, H)
            NDArray mask = inputs.get(1);                                                               // (B, T)
            NDArray pooled = pooling.pool(states, mask);                                                // (B, H)
            // the epsilon is an array of the scope, not a Number (see asi.ScopedScalar)
            NDArray norms = pooled.norm(new int[] {1}, true).maximum(scope.create(1e-12f));           // (B, 1)
            return new QueryStates(states, mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false),
                    pooled.div(norms));
        }
    }

    @Override
    public List<Parameter> trainableParameters() {
        return adapters == null ? List.of() : adapters.trainableParameters();
    }

    @Override
    public Optional<NDArray> regularization(NDManager scope) {
        return adapters == null ? Optional.empty() : adapters.regularization(scope);
    }

    @Override
    public void afterBackward(int step) {
        if (adapters != null) {
            adapters.afterBackward(step);
        }
    }

    /** Word-piece ids cut to {@code limit} with [SEP] kept last. */
    private long[] cut(long[] ids, int limit) {
        if (ids.length <= limit) {
            return ids;
        }
        long[] cut = Arrays.copyOf(ids, limit);
        cut[limit - 1] = sepId;
        return cut;
    }
}
