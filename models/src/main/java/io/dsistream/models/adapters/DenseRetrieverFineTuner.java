package io.dsistream.models.adapters;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.dsistream.models.encoder.EncoderTokenizer;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.encoder.TokenBatch;
import io.dsistream.models.eval.ProgressReporter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Fine-tunes a {@link TextEncoder} as a dense retriever on (query, relevant document) pairs with the in-batch
 * contrastive loss (InfoNCE, as DPR and sentence-transformers' MultipleNegativesRankingLoss): for a batch of B
 * pairs, {@code L = −(1/B) Σ_i log softmax_j(cos(q_i, d_j)/τ)_i}, every other document of the batch a negative.
 * Batches never hold the same document or query twice (no false negatives). AdamW updates only what the
 * {@link FineTuningTechnique} makes trainable; the encoder is changed in place (adapters attached, or its own
 * weights tuned), so the same {@code TextEncoder} then serves the tuned model through {@code embed}.
 *
 * <p>One run per encoder instance: load a fresh encoder for each technique.
 */
public final class DenseRetrieverFineTuner {

    private final TextEncoder encoder;
    private final FineTuningOptions options;
    private final Map<String, long[]> tokenCache = new HashMap<>();
    private EncoderAdapters adapters;
    private DynamicPruning pruning;
    private boolean used;

    public DenseRetrieverFineTuner(TextEncoder encoder, FineTuningOptions options) {
        this.encoder = encoder;
        this.options = options;
    }

    /**
     * Trains with {@code technique} ({@code adapterOptions} for the adapter kinds; ignored otherwise), then scores
     * the validation pairs.
     *
     * @throws IllegalStateException if this tuner already ran
     */
    public FineTuningResult run(FineTuningTechnique technique, AdapterOptions adapterOptions, TrainingPairs data) {
        if (used) {
            throw new IllegalStateException("a DenseRetrieverFineTuner runs once: load a fresh encoder");
        }
        used = true;
        Engine.getEngine("PyTorch").setRandomSeed(Math.toIntExact(options.seed() & 0x7fffffff));
        List<Parameter> trainable = prepare(technique, adapterOptions);
        long baseCount = 0;
        if (adapters != null) {
            baseCount = adapters.baseParameterCount(); // counted before the adapters took the projections' place
        } else {
            for (Parameter parameter : encoder.block().hfParameters("").values()) {
                baseCount += parameter.getArray().size();
            }
        }
        long trainableCount = 0;
        for (Parameter parameter : trainable) {
            trainableCount += parameter.getArray().size();
        }
        long adapterCount = adapters == null ? 0 : adapterStateCount();
        long total = baseCount + adapterCount;
        int steps = technique == FineTuningTechnique.NONE ? 0 : options.steps();

        float rate = technique == FineTuningTechnique.FULL ? options.fullLearningRate() : options.adapterLearningRate();
        Optimizer optimizer = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(rate))
                .optWeightDecays(options.weightDecay()).build();
        BatchSampler sampler = new BatchSampler(data.train(), options.batchSize(), new Random(options.seed()));
        ProgressReporter progress = ProgressReporter.of(options.showProgress() && steps > 0,
                "fine-tuning " + technique.cliName(), "steps", steps);
        double firstLoss = Double.NaN;
        double[] recent = new double[10];
        int recentCount = 0;
        long started = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            List<TrainingPair> batch = sampler.next();
            double loss = trainStep(batch, trainable, optimizer, step);
            if (step == 0) {
                firstLoss = loss;
            }
            recent[step % recent.length] = loss;
            recentCount = Math.min(recent.length, recentCount + 1);
            progress.advance(1);
        }
        progress.finish();
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        double lastLoss = 0;
        for (int i = 0; i < recentCount; i++) {
            lastLoss += recent[i] / recentCount;
        }
        long validationStarted = System.nanoTime();
        double validationLoss = validationLoss(data.validation());
        double validationSeconds = (System.nanoTime() - validationStarted) / 1e9;

        long baseBytes = adapters == null ? 4L * baseCount : adapters.baseWeightBytes();
        double sparsity = pruning == null ? Double.NaN : pruning.measuredSparsity();
        double meanRank = adapters == null ? Double.NaN
                : adapters.budget().map(AdaLoraBudget::meanActiveRank).orElse(Double.NaN);
        return new FineTuningResult(technique, trainableCount, total, steps, (long) steps * options.batchSize(),
                trainSeconds, data.validation().size(), validationSeconds, steps == 0 ? Double.NaN : firstLoss,
                steps == 0 ? Double.NaN : lastLoss, validationLoss, baseBytes, 4L * baseCount, sparsity, meanRank);
    }

    /** The adapters attached by the last run, if its technique had any. */
    public Optional<EncoderAdapters> adapters() {
        return Optional.ofNullable(adapters);
    }

    /** The pruning of the last run ({@link FineTuningTechnique#LORA_PRUNED} only). */
    public Optional<DynamicPruning> pruning() {
        return Optional.ofNullable(pruning);
    }

    private long adapterStateCount() {
        long count = 0;
        for (Parameter parameter : adapters.state().values()) {
            count += parameter.getArray().size();
        }
        return count;
    }

    private List<Parameter> prepare(FineTuningTechnique technique, AdapterOptions adapterOptions) {
        Map<String, Parameter> base = encoder.block().hfParameters("");
        switch (technique) {
            case NONE -> {
                base.values().forEach(p -> p.getArray().setRequiresGradient(false));
                return List.of();
            }
            case FULL -> {
                base.values().forEach(p -> p.getArray().setRequiresGradient(true));
                return new ArrayList<>(base.values());
            }
            default -> {
                AdapterOptions chosen = adapterOptions != null && adapterOptions.kind() == technique.adapterKind()
                        ? adapterOptions : AdapterOptions.builder(technique.adapterKind()).build();
                adapters = EncoderAdapters.attach(encoder, chosen);
                List<Parameter> trainable = adapters.trainableParameters();
                if (technique == FineTuningTechnique.LORA_PRUNED) {
                    int steps = options.steps();
                    pruning = new DynamicPruning(trainable, options.pruningSparsity(), steps / 5,
                            Math.max(steps / 5 + 1, steps * 4 / 5), Math.max(1, steps / 20), options.pruningImportance());
                }
                return trainable;
            }
        }
    }

    private double trainStep(List<TrainingPair> batch, List<Parameter> trainable, Optimizer optimizer, int step) {
        try (NDManager scope = encoder.manager().newSubManager()) {
            float lossValue;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = contrastiveLoss(scope, batch, true);
                if (adapters != null) {
                    Optional<NDArray> penalty = adapters.regularization(scope);
                    if (penalty.isPresent()) {
                        loss = loss.add(penalty.get());
                    }
                }
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            if (adapters != null) {
                adapters.afterBackward(step);
            }
            if (pruning != null) {
                pruning.afterBackward(step);
            }
            for (Parameter parameter : trainable) {
                NDArray weight = parameter.getArray();
                try (NDArray gradient = weight.getGradient()) {
                    optimizer.update(parameter.getId(), weight, gradient);
                    gradient.subi(gradient); // PyTorch accumulates gradients: clear them for the next step
                }
            }
            if (pruning != null) {
                pruning.afterUpdate();
            }
            return lossValue;
        }
    }

    /** In-batch InfoNCE loss of {@code batch}; every array in {@code scope}, which outlives the backward pass. */
    private NDArray contrastiveLoss(NDManager scope, List<TrainingPair> batch, boolean training) {
        List<long[]> queries = new ArrayList<>(batch.size());
        List<long[]> documents = new ArrayList<>(batch.size());
        for (TrainingPair pair : batch) {
            queries.add(tokens(pair.query(), options.queryMaxLength()));
            documents.add(tokens(pair.document(), options.documentMaxLength()));
        }
        NDArray q = embed(scope, queries, training);                                       // (B, H)
        NDArray d = embed(scope, documents, training);                                     // (B, H)
        // The scale and the identity are arrays of the step's scope, not Numbers (see asi.ScopedScalar).
        NDArray inverseTemperature = scope.create(1f / options.temperature());
        NDArray logits = q.matMul(d.transpose()).mul(inverseTemperature);                  // (B, B)
        NDArray identity = scope.eye(batch.size());                                        // (B, B)
        NDArray meanWeight = scope.create(-1f / batch.size());
        return logits.logSoftmax(1).mul(identity).sum().mul(meanWeight);                   // scalar
    }

    private NDArray embed(NDManager scope, List<long[]> sequences, boolean training) {
        EncoderTokenizer tokenizer = encoder.tokenizer();
        NDList inputs = TokenBatch.pad(sequences, tokenizer.padTokenId()).toNDList(scope);
        NDArray hidden = encoder.block().forward(new ParameterStore(scope, false), inputs, training).head(); // (B, T, H)
        NDArray pooled = encoder.spec().pooling().pool(hidden, inputs.get(1));             // (B, H)
        return pooled.div(pooled.norm(new int[] {1}, true));                               // unit rows
    }

    /** Word-piece ids cut to {@code maxLength} with [SEP] kept last. */
    private long[] tokens(String text, int maxLength) {
        long[] ids = tokenCache.computeIfAbsent(text, encoder.tokenizer()::encode);
        if (ids.length <= maxLength) {
            return ids;
        }
        long[] cut = java.util.Arrays.copyOf(ids, maxLength);
        cut[maxLength - 1] = encoder.tokenizer().sepTokenId();
        return cut;
    }

    private double validationLoss(List<TrainingPair> validation) {
        if (validation.size() < 2) {
            return Double.NaN;
        }
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            BatchSampler sampler = new BatchSampler(validation, options.batchSize(), new Random(options.seed()));
            double sum = 0;
            int batches = 0;
            for (List<TrainingPair> batch : sampler.onePass()) {
                if (batch.size() < 2) {
                    continue;
                }
                try (NDManager scope = encoder.manager().newSubManager()) {
                    sum += contrastiveLoss(scope, batch, false).getFloat();
                    batches++;
                }
            }
            return batches == 0 ? Double.NaN : sum / batches;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Shuffled batches without a repeated document or query; a pair that clashes waits for a later batch. */
    static final class BatchSampler {

        private final List<TrainingPair> pairs;
        private final int batchSize;
        private final Random random;
        private final Deque<TrainingPair> queue = new ArrayDeque<>();

        BatchSampler(List<TrainingPair> pairs, int batchSize, Random random) {
            if (pairs.size() < 2) {
                throw new IllegalArgumentException("need at least 2 training pairs, got " + pairs.size());
            }
            this.pairs = pairs;
            this.batchSize = batchSize;
            this.random = random;
        }

        List<TrainingPair> next() {
            List<TrainingPair> batch = new ArrayList<>(batchSize);
            Set<String> docs = new HashSet<>();
            Set<String> queries = new HashSet<>();
            List<TrainingPair> deferred = new ArrayList<>();
            int refills = 0;
            while (batch.size() < batchSize) {
                if (queue.isEmpty()) {
                    if (refills++ > 1) {
                        break; // fewer distinct pairs than a batch
                    }
                    List<TrainingPair> epoch = new ArrayList<>(pairs);
                    Collections.shuffle(epoch, random);
                    queue.addAll(epoch);
                }
                TrainingPair pair = queue.poll();
                if (docs.contains(pair.docId()) || queries.contains(pair.queryId())) {
                    deferred.add(pair);
                } else {
                    batch.add(pair);
                    docs.add(pair.docId());
                    queries.add(pair.queryId());
                }
            }
            for (int i = deferred.size() - 1; i >= 0; i--) {
                queue.addFirst(deferred.get(i));
            }
            return batch;
        }

        /** Every pair once, in batches (clashing pairs moved to later batches). */
        List<List<TrainingPair>> onePass() {
            List<TrainingPair> remaining = new ArrayList<>(pairs);
            List<List<TrainingPair>> batches = new ArrayList<>();
            while (!remaining.isEmpty()) {
                List<TrainingPair> batch = new ArrayList<>();
                Set<String> docs = new HashSet<>();
                Set<String> queries = new HashSet<>();
                List<TrainingPair> later = new ArrayList<>();
                for (TrainingPair pair : remaining) {
                    if (batch.size() < batchSize && !docs.contains(pair.docId()) && !queries.contains(pair.queryId())) {
                        batch.add(pair);
                        docs.add(pair.docId());
                        queries.add(pair.queryId());
                    } else {
                        later.add(pair);
                    }
                }
                batches.add(batch);
                remaining = later;
            }
            return batches;
        }
    }
}
