package io.dsistream.models.training;

import io.dsistream.models.asi.AsiTerm;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.augment.AugmentationOptions;

import java.util.EnumSet;
import java.util.Set;

/**
 * Everything a training run is configured by; immutable, logged at start and stored in the bundle manifest.
 *
 * @param method            {@code asi}, {@code dsi-semantic}, {@code dsi-naive} or {@code dsi-atomic}
 * @param quantizerKind     ASI's indexing module (MLP by default, ASI++'s best)
 * @param positions         L; 0 sizes the ID space to the corpus ({@code QuantizerOptions.forCorpus})
 * @param codesPerPosition  V; 0 sizes it to the corpus
 * @param disabledTerms     ASI++ terms switched off (ablation)
 * @param epochs            passes over the training pairs (an upper bound: early stopping may end sooner)
 * @param batchSize         pairs per forward pass; in-batch negatives for L_c and L_bot
 * @param accumulation      forward passes per optimizer step (gradient accumulation)
 * @param learningRate      AdamW peak learning rate
 * @param warmupSteps       optimizer steps of linear learning-rate warm-up
 * @param weightDecay       AdamW decoupled weight decay
 * @param seed              seeds the split, pair sampling, shuffling, initial weights and dropout
 * @param validationShare   share of the train queries held out for validation (never test)
 * @param qrelsRepeat       copies of each train qrels pair per epoch (DSI's retrieval task)
 * @param indexingRepeat    copies of each indexing pair per epoch (DSI's indexing task); with qrelsRepeat this sets
 *                          the indexing : retrieval ratio
 * @param selfSupervised    whether to add one crop and one inverse-cloze pair per document (NAIL §4.1)
 * @param augmentation      augmentation of indexing and self-supervised texts (identity by default)
 * @param warmStartEpochs   MLP only: epochs fitting the MLP to k-means residual codes of the documents before the
 *                          joint training (0 = ASI++'s random initialisation)
 * @param patience          epochs without a better validation nDCG@10 before stopping early
 * @param progressEvery     optimizer steps between progress lines
 * @param queryTokens       token limit of query-side texts (queries, crops, sentences)
 * @param indexTokens       token limit of the indexing texts (DSI: the first 32 tokens)
 * @param leafCapacity      ASI only: most documents per leaf when the corpus gets its IDs (validation and the
 *                          stored assignment; {@code CapacityBoundedAssignment}); 0 = the quantizer's plain argmax
 */
public record TrainingOptions(String method, QuantizerKind quantizerKind, int positions, int codesPerPosition,
                              Set<AsiTerm> disabledTerms, int epochs, int batchSize, int accumulation,
                              float learningRate, int warmupSteps, float weightDecay, long seed,
                              double validationShare, int qrelsRepeat, int indexingRepeat, boolean selfSupervised,
                              AugmentationOptions augmentation, int warmStartEpochs, int patience, int progressEvery,
                              int queryTokens, int indexTokens, int leafCapacity) {

    /**
     * Default {@link #leafCapacity()}: 0, the quantizer's plain argmax. Measured on SciFact (one trained bundle, IDs
     * re-assigned by {@code dsi eval --leaf-capacity}): capacity 4 and 8 balanced the leaves (1,740 and 1,196 used,
     * normalised entropy 0.88 and 0.82 against 0.70) but lowered nDCG@10 from 0.6212 to 0.5915 and 0.5972 and
     * Recall@100 from 0.873 to 0.843 and 0.841 at the same 10% budget: moved documents land in leaves their queries
     * do not rank high.
     */
    public static final int DEFAULT_LEAF_CAPACITY = 0;

    public static final String ASI = "asi";
    public static final String DSI_SEMANTIC = "dsi-semantic";
    public static final String DSI_NAIVE = "dsi-naive";
    public static final String DSI_ATOMIC = "dsi-atomic";

    public TrainingOptions {
        if (!Set.of(ASI, DSI_SEMANTIC, DSI_NAIVE, DSI_ATOMIC).contains(method)) {
            throw new IllegalArgumentException("method must be asi, dsi-semantic, dsi-naive or dsi-atomic, got "
                    + method);
        }
        disabledTerms = disabledTerms.isEmpty() ? EnumSet.noneOf(AsiTerm.class) : EnumSet.copyOf(disabledTerms);
        requireAtLeast("epochs", epochs, 1);
        requireAtLeast("batchSize", batchSize, 2);
        requireAtLeast("accumulation", accumulation, 1);
        requireAtLeast("qrelsRepeat", qrelsRepeat, 0);
        requireAtLeast("indexingRepeat", indexingRepeat, 0);
        requireAtLeast("patience", patience, 1);
        requireAtLeast("progressEvery", progressEvery, 1);
        requireAtLeast("queryTokens", queryTokens, 8);
        requireAtLeast("indexTokens", indexTokens, 8);
        requireAtLeast("leafCapacity", leafCapacity, 0);
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        }
        if (!(validationShare >= 0 && validationShare < 1)) {
            throw new IllegalArgumentException("validationShare must be in [0, 1), got " + validationShare);
        }
    }

    /**
     * Defaults sized for SciFact on two CPU cores (a few minutes per epoch): MLP quantizer, ID space from
     * {@code forCorpus}, 6 epochs of batch 64, AdamW 1e-3 with 100 warm-up steps and weight decay 0.01, 10%
     * validation, qrels ×2, indexing ×1, self-supervised pairs on, 3 warm-start epochs, patience 2, progress every 50
     * steps, 64 query tokens, 32 index tokens.
     */
    public static TrainingOptions defaults(String method) {
        return new TrainingOptions(method, QuantizerKind.MLP, 0, 0, EnumSet.noneOf(AsiTerm.class), 6, 64, 1, 1e-3f,
                100, 0.01f, 42L, 0.1, 2, 1, true, AugmentationOptions.NONE, 3, 2, 50, 64, 32, DEFAULT_LEAF_CAPACITY);
    }

    public TrainingOptions withLeafCapacity(int newLeafCapacity) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, disabledTerms, epochs,
                batchSize, accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare, qrelsRepeat,
                indexingRepeat, selfSupervised, augmentation, warmStartEpochs, patience, progressEvery, queryTokens,
                indexTokens, newLeafCapacity);
    }

    public TrainingOptions withQuantizerKind(QuantizerKind kind) {
        return new TrainingOptions(method, kind, positions, codesPerPosition, disabledTerms, epochs, batchSize,
                accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare, qrelsRepeat,
                indexingRepeat, selfSupervised, augmentation, warmStartEpochs, patience, progressEvery, queryTokens,
                indexTokens, leafCapacity);
    }

    public TrainingOptions withDisabledTerms(Set<AsiTerm> terms) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, terms, epochs, batchSize,
                accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare, qrelsRepeat,
                indexingRepeat, selfSupervised, augmentation, warmStartEpochs, patience, progressEvery, queryTokens,
                indexTokens, leafCapacity);
    }

    public TrainingOptions withSchedule(int newEpochs, int newBatchSize, int newAccumulation, float newLearningRate) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, disabledTerms, newEpochs,
                newBatchSize, newAccumulation, newLearningRate, warmupSteps, weightDecay, seed, validationShare,
                qrelsRepeat, indexingRepeat, selfSupervised, augmentation, warmStartEpochs, patience, progressEvery,
                queryTokens, indexTokens, leafCapacity);
    }

    public TrainingOptions withShape(int newPositions, int newCodesPerPosition) {
        return new TrainingOptions(method, quantizerKind, newPositions, newCodesPerPosition, disabledTerms, epochs,
                batchSize, accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare, qrelsRepeat,
                indexingRepeat, selfSupervised, augmentation, warmStartEpochs, patience, progressEvery, queryTokens,
                indexTokens, leafCapacity);
    }

    public TrainingOptions withAugmentation(AugmentationOptions newAugmentation) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, disabledTerms, epochs,
                batchSize, accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare, qrelsRepeat,
                indexingRepeat, selfSupervised, newAugmentation, warmStartEpochs, patience, progressEvery,
                queryTokens, indexTokens, leafCapacity);
    }

    public TrainingOptions withData(int newQrelsRepeat, int newIndexingRepeat, boolean newSelfSupervised) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, disabledTerms, epochs,
                batchSize, accumulation, learningRate, warmupSteps, weightDecay, seed, validationShare,
                newQrelsRepeat, newIndexingRepeat, newSelfSupervised, augmentation, warmStartEpochs, patience,
                progressEvery, queryTokens, indexTokens, leafCapacity);
    }

    public TrainingOptions withRun(long newSeed, int newWarmStartEpochs, int newPatience, int newProgressEvery,
                                   int newWarmupSteps) {
        return new TrainingOptions(method, quantizerKind, positions, codesPerPosition, disabledTerms, epochs,
                batchSize, accumulation, learningRate, newWarmupSteps, weightDecay, newSeed, validationShare,
                qrelsRepeat, indexingRepeat, selfSupervised, augmentation, newWarmStartEpochs, newPatience,
                newProgressEvery, queryTokens, indexTokens, leafCapacity);
    }

    private static void requireAtLeast(String field, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + " must be at least " + minimum + ", got " + value);
        }
    }
}
