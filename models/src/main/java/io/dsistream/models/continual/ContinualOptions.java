package io.dsistream.models.continual;

import java.io.Serializable;

/**
 * How a continual round trains; immutable.
 *
 * @param strategy            none / naive / replay
 * @param epochs              passes over the round's pairs
 * @param batchSize           pairs per step (in-batch negatives for L_c and L_bot), at least 2
 * @param learningRate        AdamW rate for the decoder
 * @param quantizerLearningRate AdamW rate for the quantizer; 0 keeps it as it is, so every ID it gives stays what
 *                            it was (no drift between stored IDs and the IDs queries are planned with)
 * @param adapterLearningRate AdamW rate for the encoder's adapters
 * @param lambda              ASI++'s λ on L_di + L_bot + L_ib, held constant (the model is past its warm-up)
 * @param stabilityWeight     weight of the quantizer's cross-entropy to the stored IDs (not an ASI++ term: it keeps
 *                            the quantizer near the IDs the index stores, so drift stays low); 0 turns it off
 * @param distillationWeight  weight of the replayed pairs' query-vector distillation: the mean squared distance
 *                            between a replayed text's pooled query vector and the one the query side gave it when
 *                            the round started (the serving model's), so a trained adapter keeps old queries where
 *                            the stored document vectors they rank against expect them (replay with the old
 *                            model's outputs, as in Dark Experience Replay); 0 turns it off, a frozen encoder
 *                            ignores it
 * @param selfSupervised      whether each document adds a crop and an inverse-cloze pair (NAIL §4.1)
 * @param feedbackRepeat      copies of each feedback pair per epoch
 * @param replayRatio         at most this many replayed documents per new document (bounds a round's cost)
 * @param queryTokens         token limit of queries, crops and sentences
 * @param indexTokens         token limit of the indexing texts (DSI: the first 32 tokens)
 * @param seed                seeds pair sampling, shuffling and dropout
 */
public record ContinualOptions(ContinualStrategy strategy, int epochs, int batchSize, float learningRate,
                               float quantizerLearningRate, float adapterLearningRate, float lambda,
                               float stabilityWeight, float distillationWeight, boolean selfSupervised,
                               int feedbackRepeat, double replayRatio, int queryTokens, int indexTokens, long seed)
        implements Serializable {

    public ContinualOptions {
        if (strategy == null) {
            throw new IllegalArgumentException("continual option 'strategy' is missing");
        }
        require("epochs", epochs >= 1, epochs);
        require("batchSize", batchSize >= 2, batchSize);
        require("learningRate", learningRate > 0, learningRate);
        require("quantizerLearningRate", quantizerLearningRate >= 0, quantizerLearningRate);
        require("adapterLearningRate", adapterLearningRate > 0, adapterLearningRate);
        require("lambda", lambda >= 0, lambda);
        require("stabilityWeight", stabilityWeight >= 0, stabilityWeight);
        require("distillationWeight", distillationWeight >= 0, distillationWeight);
        require("feedbackRepeat", feedbackRepeat >= 0, feedbackRepeat);
        require("replayRatio", replayRatio >= 0, replayRatio);
        require("queryTokens", queryTokens >= 8, queryTokens);
        require("indexTokens", indexTokens >= 8, indexTokens);
    }

    /**
     * Replay, 2 epochs of batch 32, AdamW 5e-4 for decoder, quantizer and adapters (the adapter bench's rate), λ 0.25
     * (ASI++'s value after warm-up), stability 1, distillation 1, self-supervised pairs on, feedback ×2, at most one
     * replayed document per new one, 64 query tokens, 32 index tokens, seed 42.
     */
    public static ContinualOptions defaults() {
        return new ContinualOptions(ContinualStrategy.REPLAY, 2, 32, 5e-4f, 5e-4f, 5e-4f, 0.25f, 1f, 1f, true, 2, 1.0,
                64, 32, 42L);
    }

    public ContinualOptions withStrategy(ContinualStrategy newStrategy) {
        return new ContinualOptions(newStrategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, seed);
    }

    /** Epochs, batch size, and the rates: {@code newLearningRate} for the decoder and the quantizer alike. */
    public ContinualOptions withSchedule(int newEpochs, int newBatchSize, float newLearningRate,
                                         float newAdapterLearningRate) {
        return new ContinualOptions(strategy, newEpochs, newBatchSize, newLearningRate, newLearningRate,
                newAdapterLearningRate, lambda, stabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, seed);
    }

    public ContinualOptions withQuantizerLearningRate(float newQuantizerLearningRate) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, newQuantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, seed);
    }

    public ContinualOptions withData(boolean newSelfSupervised, int newFeedbackRepeat, double newReplayRatio) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, distillationWeight, newSelfSupervised, newFeedbackRepeat,
                newReplayRatio, queryTokens, indexTokens, seed);
    }

    public ContinualOptions withLosses(float newLambda, float newStabilityWeight) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, newLambda, newStabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, seed);
    }

    public ContinualOptions withDistillationWeight(float newDistillationWeight) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, newDistillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, seed);
    }

    public ContinualOptions withSeed(long newSeed) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, queryTokens, indexTokens, newSeed);
    }

    public ContinualOptions withTokens(int newQueryTokens, int newIndexTokens) {
        return new ContinualOptions(strategy, epochs, batchSize, learningRate, quantizerLearningRate,
                adapterLearningRate, lambda, stabilityWeight, distillationWeight, selfSupervised, feedbackRepeat,
                replayRatio, newQueryTokens, newIndexTokens, seed);
    }

    private static void require(String field, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("continual option '" + field + "' is out of range: " + value);
        }
    }
}
