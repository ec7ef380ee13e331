package io.dsistream.models.adapters;

/**
 * How {@link DenseRetrieverFineTuner} trains: steps, batch, AdamW learning rates (one for full fine-tuning, one for
 * adapters), token limits, the contrastive temperature, the seed, and dynamic pruning for
 * {@link FineTuningTechnique#LORA_PRUNED}. Immutable; build with {@link #builder()}.
 *
 * @param steps              optimizer steps
 * @param batchSize          pairs per step; the other documents of the batch are each query's negatives
 * @param fullLearningRate   AdamW rate when every weight trains
 * @param adapterLearningRate AdamW rate for adapters
 * @param weightDecay        AdamW decoupled weight decay
 * @param queryMaxLength     tokens per query while training
 * @param documentMaxLength  tokens per document while training
 * @param temperature        τ of the InfoNCE loss on cosine similarities
 * @param seed               batch order, dropout and adapter initialisation
 * @param pruningSparsity    target sparsity of the pruned technique
 * @param pruningImportance  |w| or |w·grad|
 * @param showProgress       whether a progress line goes to standard error
 */
public record FineTuningOptions(int steps, int batchSize, float fullLearningRate, float adapterLearningRate,
                                float weightDecay, int queryMaxLength, int documentMaxLength, float temperature,
                                long seed, float pruningSparsity, PruningImportance pruningImportance,
                                boolean showProgress) {

    public FineTuningOptions {
        if (steps < 0 || batchSize < 2) {
            throw new IllegalArgumentException("need steps >= 0 and batchSize >= 2 (in-batch negatives), got steps "
                    + steps + ", batchSize " + batchSize);
        }
        if (queryMaxLength < 3 || documentMaxLength < 3) {
            throw new IllegalArgumentException("token limits must be at least 3, got query " + queryMaxLength
                    + ", document " + documentMaxLength);
        }
        if (temperature <= 0) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
    }

    /** 60 steps of 16 pairs, AdamW 2e-5 (full) / 5e-4 (adapters), queries 64 and documents 128 tokens, τ 0.05. */
    public static FineTuningOptions defaults() {
        return new FineTuningOptions(60, 16, 2e-5f, 5e-4f, 0.01f, 64, 128, 0.05f, 42, 0.5f,
                PruningImportance.MAGNITUDE_TIMES_GRADIENT, true);
    }

    public FineTuningOptions withSteps(int steps) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay,
                queryMaxLength, documentMaxLength, temperature, seed, pruningSparsity, pruningImportance, showProgress);
    }

    public FineTuningOptions withBatchSize(int batchSize) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay,
                queryMaxLength, documentMaxLength, temperature, seed, pruningSparsity, pruningImportance, showProgress);
    }

    public FineTuningOptions withLearningRates(float full, float adapter) {
        return new FineTuningOptions(steps, batchSize, full, adapter, weightDecay, queryMaxLength,
                documentMaxLength, temperature, seed, pruningSparsity, pruningImportance, showProgress);
    }

    public FineTuningOptions withMaxLengths(int query, int document) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay, query,
                document, temperature, seed, pruningSparsity, pruningImportance, showProgress);
    }

    public FineTuningOptions withSeed(long seed) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay,
                queryMaxLength, documentMaxLength, temperature, seed, pruningSparsity, pruningImportance, showProgress);
    }

    public FineTuningOptions withPruning(float sparsity, PruningImportance importance) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay,
                queryMaxLength, documentMaxLength, temperature, seed, sparsity, importance, showProgress);
    }

    public FineTuningOptions withProgress(boolean show) {
        return new FineTuningOptions(steps, batchSize, fullLearningRate, adapterLearningRate, weightDecay,
                queryMaxLength, documentMaxLength, temperature, seed, pruningSparsity, pruningImportance, show);
    }
}
