package io.dsistream.models.continual;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.dsistream.models.asi.AsiLoss;
import io.dsistream.models.asi.AsiLossInputs;
import io.dsistream.models.asi.AsiLossTerms;
import io.dsistream.models.asi.LambdaSchedule;
import io.dsistream.models.asi.LossWeights;
import io.dsistream.models.asi.QuantizerOutput;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.decoder.TeacherForcing;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.training.PairSource;
import io.dsistream.models.training.SelfSupervisedPairs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One continual training round (issue 7; DSI++'s setting, ASI++'s losses): fine-tunes the encoder's adapters
 * (through the {@link QuerySideEncoder}), the ID decoder and the quantizer on the new documents and, with
 * {@link ContinualStrategy#REPLAY}, a replay sample of earlier ones (those with feedback first). IDs are stable:
 * every document's stored ID is its decoder target, so the decoder keeps mapping old queries to old IDs; a new
 * document without an ID gets the current quantizer's ID at the round's start, which is then stored. The serving
 * model is never touched: the round trains copies of its quantizer and decoder (the adapters of the given encoder
 * are trained in place, so a trainer gives the round its own encoder instance).
 *
 * <p>Pairs per training document: DSI's indexing pair (its first {@code indexTokens} tokens), and with
 * self-supervision one independent crop and one inverse-cloze sentence (NAIL §4.1); feedback pairs
 * {@code (queryText, docId)} of training documents, repeated. The loss per batch is ASI++'s
 * {@code L_c + L_CE + λ (L_di + L_bot + L_ib)} (eq. 1–9, λ constant) plus {@code stabilityWeight} times the
 * quantizer's cross-entropy to the stored IDs. L_bot and L_ib act on the query side's pooled vectors, which carry
 * gradients into the adapters; document vectors are the stored ones (documents are not re-encoded). With replay and
 * a trainable query side, {@code distillationWeight} times the mean squared distance between each replayed pair's
 * pooled vector and the one the query side gave it before the first step is added too: old documents' queries stay
 * where their stored vectors expect them while the adapters learn the new documents.
 *
 * <p>Runs on the caller's thread; {@link #cancel()} from any thread stops it before its next step (the result then
 * carries no model); a progress listener hears of every step. One run per instance.
 *
 * <pre>{@code
 * ContinualRound round = new ContinualRound(ContinualOptions.defaults(), AdaptedQueryEncoder.of(encoder, lora),
 *         manager).optProgress(p -> log.info("round {}%", 100 * p.fraction()));
 * RoundResult result = round.run(current, newDocuments, replayBuffer.sample(), feedback);
 * }</pre>
 */
public final class ContinualRound {

    private final ContinualOptions options;
    private final QuerySideEncoder encoder;
    private final NDManager manager;
    private Consumer<RoundProgress> progress = p -> { };
    private volatile boolean cancelled;
    private boolean used;

    /**
     * @param encoder the query side, with the adapters to train (or frozen)
     * @param manager owns the candidate model's arrays
     */
    public ContinualRound(ContinualOptions options, QuerySideEncoder encoder, NDManager manager) {
        this.options = options;
        this.encoder = encoder;
        this.manager = manager;
    }

    /** Called after every optimizer step, on the round's thread. */
    public ContinualRound optProgress(Consumer<RoundProgress> listener) {
        this.progress = listener;
        return this;
    }

    /** Asks the round to stop before its next step; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public ContinualOptions options() {
        return options;
    }

    /**
     * Runs the round.
     *
     * @param current      the serving model (ASI: with a quantizer); read, not changed
     * @param newDocuments documents indexed since the last round (with or without stored IDs)
     * @param replay       the replay sample (e.g. {@link ReplayBuffer#sample()}); ignored unless the strategy replays
     * @param feedback     supervised pairs; those whose document is not among the round's documents are skipped
     * @throws IllegalArgumentException when the model has no quantizer, or a document's vector does not fit it
     */
    public RoundResult run(IdModel current, List<ReplayDocument> newDocuments, List<ReplayDocument> replay,
                           List<FeedbackPair> feedback) {
        if (used) {
            throw new IllegalStateException("a ContinualRound runs once; create another for the next round");
        }
        used = true;
        if (current.quantizer() == null) {
            throw new IllegalArgumentException("continual rounds need a model with a quantizer (method asi), got "
                    + current.method());
        }
        long started = System.nanoTime();
        Map<String, Object> statistics = new LinkedHashMap<>();
        statistics.put("strategy", options.strategy().cliName());
        int dimension = current.quantizer().options().dimension();

        // new documents without a stored ID get the current quantizer's ID, which is then kept (stable IDs)
        Map<String, SemanticId> newIds = new LinkedHashMap<>();
        List<ReplayDocument> fresh = assignMissing(current.quantizer(), newDocuments, newIds, dimension);
        Map<String, ReplayDocument> training = new LinkedHashMap<>();
        for (ReplayDocument document : fresh) {
            training.put(document.docId(), document);
        }
        Set<String> replayedIds = new HashSet<>();
        if (options.strategy() == ContinualStrategy.REPLAY) {
            List<ReplayDocument> sample = new ArrayList<>();
            for (ReplayDocument document : replay) {
                if (!training.containsKey(document.docId()) && document.storedId() != null) {
                    sample.add(document);
                }
            }
            int limit = (int) Math.min(sample.size(), Math.ceil(options.replayRatio() * Math.max(1, fresh.size())));
            if (limit < sample.size()) {
                sample = replayFirst(sample, feedback, limit);
            }
            for (ReplayDocument document : sample) {
                requireDimension(document, dimension);
                training.put(document.docId(), document);
                replayedIds.add(document.docId());
            }
        }
        statistics.put("documents.new", fresh.size());
        statistics.put("documents.replayed", replayedIds.size());

        SemanticQuantizer quantizer = copy(current.quantizer());
        IdDecoder decoder = copy(current.decoder());
        Map<String, SemanticId> assignments = new LinkedHashMap<>(current.assignments());
        for (ReplayDocument document : fresh) {
            assignments.put(document.docId(), document.storedId());
        }

        List<RoundPair> pairs = options.strategy() == ContinualStrategy.NONE ? List.of()
                : pairs(training, feedback, statistics);
        long distillationNanos = System.nanoTime();
        if (options.distillationWeight() > 0 && !encoder.trainableParameters().isEmpty()) {
            pairs = withDistillationTargets(pairs, replayedIds);
        }
        distillationNanos = System.nanoTime() - distillationNanos;
        statistics.put("pairs.distilled", pairs.stream().filter(p -> p.distillationTarget() != null).count());
        statistics.put("distillation_seconds", distillationNanos / 1e9);
        long steps = 0;
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        long encoderNanos = distillationNanos; // the distillation targets are one forward pass of the encoder
        long backwardNanos = 0;
        boolean stopped = false;
        if (pairs.size() >= 2) {
            int batch = Math.min(options.batchSize(), pairs.size());
            int batchesPerEpoch = pairs.size() / batch;
            long totalSteps = (long) batchesPerEpoch * options.epochs();
            Engine.getInstance().setRandomSeed((int) options.seed()); // dropout draws from the engine's generator
            Optimizer decoderOptimizer = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(options.learningRate())).build();
            Optimizer quantizerOptimizer = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(Math.max(options.quantizerLearningRate(), 1e-12f))).build();
            Optimizer adapterOptimizer = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(options.adapterLearningRate())).build();
            List<Parameter> decoderParameters = new ArrayList<>();
            for (Pair<String, Parameter> p : decoder.getParameters()) {
                decoderParameters.add(p.getValue());
            }
            List<Parameter> quantizerParameters = new ArrayList<>();
            for (Pair<String, Parameter> p : quantizer.getParameters()) {
                quantizerParameters.add(p.getValue());
            }
            boolean trainQuantizer = options.quantizerLearningRate() > 0;
            List<Parameter> adapterParameters = encoder.trainableParameters();
            AsiLoss loss = new AsiLoss(LossWeights.defaults(), LambdaSchedule.constant(options.lambda()));
            Random random = new Random(options.seed());
            List<RoundPair> order = new ArrayList<>(pairs);
            outer:
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                Collections.shuffle(order, random);
                for (int b = 0; b < batchesPerEpoch; b++) {
                    if (cancelled) {
                        stopped = true;
                        break outer;
                    }
                    List<RoundPair> slice = order.subList(b * batch, (b + 1) * batch);
                    float value;
                    try (NDManager scope = manager.newSubManager()) {
                        long[] timings = new long[2];
                        value = step(scope, slice, quantizer, decoder, current.vocabulary(), current.prefixFree(),
                                loss, steps, timings);
                        encoderNanos += timings[0];
                        backwardNanos += timings[1];
                    }
                    update(decoderOptimizer, decoderParameters);
                    if (trainQuantizer) {
                        update(quantizerOptimizer, quantizerParameters);
                    } else {
                        clearGradients(quantizerParameters); // a frozen quantizer: its IDs stay what they were
                    }
                    update(adapterOptimizer, adapterParameters);
                    steps++;
                    if (Double.isNaN(firstLoss)) {
                        firstLoss = value;
                    }
                    lastLoss = value;
                    progress.accept(new RoundProgress(steps, totalSteps, value, (System.nanoTime() - started) / 1e9));
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        statistics.put("pairs", pairs.size());
        statistics.put("steps", steps);
        statistics.put("loss.first", firstLoss);
        statistics.put("loss.last", lastLoss);
        statistics.put("trainable.adapter_parameters", count(encoder.trainableParameters()));
        statistics.put("seconds", seconds);
        statistics.put("encoder_seconds", encoderNanos / 1e9);
        statistics.put("encoder_share", seconds > 0 ? encoderNanos / 1e9 / seconds : 0.0);
        // the backward pass runs through the adapters, the decoder and the quantizer at once; with a trainable
        // encoder most of it is the encoder's, so forward + backward over the round bounds the encoder's share above
        statistics.put("backward_seconds", backwardNanos / 1e9);
        if (stopped) {
            quantizer.close();
            statistics.put("cancelled_after_steps", steps);
            return new RoundResult(null, true, newIds, statistics);
        }
        List<ReplayDocument> stored = new ArrayList<>(training.values());
        statistics.put("drift", IdDrift.of(quantizer, stored));
        IdModel candidate = new IdModel(current.method(), quantizer, decoder, assignments, current.prefixFree());
        return new RoundResult(candidate, false, newIds, statistics);
    }

    /**
     * {@code limit} of the replay candidates, in a seeded random order, those that feedback points to first: a
     * replayed document with a supervised query keeps that query's mapping (the retrieval task of DSI++'s replay),
     * one without keeps only its pseudo-queries.
     */
    private List<ReplayDocument> replayFirst(List<ReplayDocument> candidates, List<FeedbackPair> feedback, int limit) {
        Set<String> judged = new HashSet<>();
        for (FeedbackPair pair : feedback) {
            judged.add(pair.docId());
        }
        List<ReplayDocument> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(options.seed() ^ 0x5eedL));
        List<ReplayDocument> ordered = new ArrayList<>(shuffled.size());
        shuffled.stream().filter(d -> judged.contains(d.docId())).forEach(ordered::add);
        shuffled.stream().filter(d -> !judged.contains(d.docId())).forEach(ordered::add);
        return ordered.subList(0, limit);
    }

    /**
     * A training pair: a query-side text (with its token limit), the training document it decodes to, and for a
     * replayed document's pair with distillation on, the pooled vector the query side gave the text before the round
     * trained it (else null).
     */
    private record RoundPair(String text, int maxTokens, ReplayDocument document, PairSource source,
                             float[] distillationTarget) {

        RoundPair(String text, int maxTokens, ReplayDocument document, PairSource source) {
            this(text, maxTokens, document, source, null);
        }
    }

    /** The pairs, those of {@code replayedIds} with their pooled vectors under the untrained query side. */
    private List<RoundPair> withDistillationTargets(List<RoundPair> pairs, Set<String> replayedIds) {
        List<RoundPair> out = new ArrayList<>(pairs);
        List<Integer> replayed = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (replayedIds.contains(pairs.get(i).document().docId())) {
                replayed.add(i);
            }
        }
        int batch = options.batchSize();
        int h = encoder.dimension();
        for (int start = 0; start < replayed.size(); start += batch) {
            List<Integer> rows = replayed.subList(start, Math.min(replayed.size(), start + batch));
            List<String> texts = new ArrayList<>(rows.size());
            int[] limits = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                texts.add(pairs.get(rows.get(r)).text());
                limits[r] = pairs.get(rows.get(r)).maxTokens();
            }
            try (NDManager scope = manager.newSubManager()) {
                float[] pooled = encoder.encode(scope, texts, limits, false).pooled().toFloatArray();   // (R, H)
                for (int r = 0; r < rows.size(); r++) {
                    RoundPair pair = pairs.get(rows.get(r));
                    out.set(rows.get(r), new RoundPair(pair.text(), pair.maxTokens(), pair.document(), pair.source(),
                            Arrays.copyOfRange(pooled, r * h, (r + 1) * h)));
                }
            }
        }
        return out;
    }

    private List<RoundPair> pairs(Map<String, ReplayDocument> training, List<FeedbackPair> feedback,
                                  Map<String, Object> statistics) {
        List<RoundPair> pairs = new ArrayList<>();
        Map<PairSource, Integer> counts = new EnumMap<>(PairSource.class);
        for (ReplayDocument document : training.values()) {
            pairs.add(new RoundPair(document.text(), options.indexTokens(), document, PairSource.INDEXING));
            counts.merge(PairSource.INDEXING, 1, Integer::sum);
            if (options.selfSupervised()) {
                // one generator per document: its pseudo-queries do not depend on which other documents are here
                Random random = new Random(options.seed() * 31 + document.docId().hashCode());
                pairs.add(new RoundPair(SelfSupervisedPairs.independentCrop(document.text(), random),
                        options.queryTokens(), document, PairSource.CROP));
                pairs.add(new RoundPair(SelfSupervisedPairs.inverseCloze(document.text(), random),
                        options.queryTokens(), document, PairSource.INVERSE_CLOZE));
                counts.merge(PairSource.CROP, 1, Integer::sum);
                counts.merge(PairSource.INVERSE_CLOZE, 1, Integer::sum);
            }
        }
        int skipped = 0;
        for (FeedbackPair pair : feedback) {
            ReplayDocument document = training.get(pair.docId());
            if (document == null) {
                skipped++;
                continue;
            }
            counts.merge(PairSource.QRELS, 1, Integer::sum);
            for (int r = 0; r < options.feedbackRepeat(); r++) {
                pairs.add(new RoundPair(pair.queryText(), options.queryTokens(), document, PairSource.QRELS));
            }
        }
        counts.forEach((source, count) -> statistics.put("pairs." + source.name().toLowerCase(java.util.Locale.ROOT),
                count));
        statistics.put("feedback.skipped", skipped);
        return pairs;
    }

    /**
     * One forward and backward pass; returns the total loss. Every array lives in {@code scope}. Adds the encoder's
     * forward nanoseconds to {@code timings[0]} and the backward pass's to {@code timings[1]}.
     */
    private float step(NDManager scope, List<RoundPair> slice, SemanticQuantizer quantizer, IdDecoder decoder,
                       IdVocabulary vocabulary, boolean prefixFree, AsiLoss loss, long step, long[] timings) {
        int b = slice.size();
        int h = encoder.dimension();
        List<String> texts = new ArrayList<>(b);
        int[] limits = new int[b];
        float[] documentFlat = new float[b * h];
        float[] storedOneHot = new float[b * vocabulary.maxLength() * vocabulary.codesPerPosition()];
        List<int[]> targetTokens = new ArrayList<>(b);
        float[] negatives = new float[b * b];
        float[] distillationFlat = new float[b * h];
        float[] distilledRows = new float[b];
        int distilled = 0;
        for (int i = 0; i < b; i++) {
            RoundPair pair = slice.get(i);
            if (pair.distillationTarget() != null) {
                System.arraycopy(pair.distillationTarget(), 0, distillationFlat, i * h, h);
                distilledRows[i] = 1f;
                distilled++;
            }
            texts.add(pair.text());
            limits[i] = pair.maxTokens();
            System.arraycopy(pair.document().vector(), 0, documentFlat, i * h, h);
            int[] codes = pair.document().storedId().codes();
            targetTokens.add(vocabulary.tokens(codes));
            for (int p = 0; p < codes.length; p++) {
                storedOneHot[(i * vocabulary.maxLength() + p) * vocabulary.codesPerPosition() + codes[p]] = 1f;
            }
            for (int j = 0; j < b; j++) {
                negatives[i * b + j] = pair.document().docId().equals(slice.get(j).document().docId()) ? 0f : 1f;
            }
        }
        NDArray documents = scope.create(documentFlat, new Shape(b, h));                                  // (B, H)
        NDArray stored = scope.create(storedOneHot, new Shape(b, vocabulary.maxLength(),
                vocabulary.codesPerPosition()));                                                           // (B, L, V)
        NDArray targets = TeacherForcing.targets(scope, targetTokens, !prefixFree);                         // (B, T)
        NDArray inputs = TeacherForcing.decoderInputs(targets);                                            // (B, T)
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            long encodeStart = System.nanoTime();
            QueryStates query = encoder.encode(scope, texts, limits, true);                      // (B, S, H), (B, H)
            timings[0] += System.nanoTime() - encodeStart;
            NDArray logits = decoder.logits(query.states(), query.mask(), inputs, true);                   // (B, T, V)
            QuantizerOutput queryOut = quantizer.forward(query.pooled(), true);
            QuantizerOutput documentOut = quantizer.forward(documents, true);
            AsiLossInputs.Builder in = AsiLossInputs.builder()
                    .setQueries(query.pooled(), queryOut.codeProbabilities())
                    .setDocuments(documents, documentOut.codeProbabilities())
                    .optDecoder(logits, targets)
                    .optNegativeMask(scope.create(negatives, new Shape(b, b)));
            if (queryOut.quantizationLoss() != null && documentOut.quantizationLoss() != null) {
                in.optQuantizationLoss(queryOut.quantizationLoss().add(documentOut.quantizationLoss()));
            }
            AsiLossTerms terms = loss.compute(in.build(), step);
            NDArray total = terms.total();
            if (options.stabilityWeight() > 0) {
                // cross-entropy of the document's code distribution to its stored ID, mean over B·L positions
                NDArray scale = scope.create(-options.stabilityWeight() / (b * vocabulary.maxLength()));
                total = total.add(documentOut.logCodeProbabilities().mul(stored).sum().mul(scale));
            }
            if (distilled > 0) {
                // squared distance of each replayed row's pooled vector to its start-of-round vector, mean over them
                NDArray offset = query.pooled().sub(scope.create(distillationFlat, new Shape(b, h)));
                NDArray perRow = offset.square().sum(new int[] {1}).mul(scope.create(distilledRows, new Shape(b)));
                total = total.add(perRow.sum().mul(scope.create(options.distillationWeight() / distilled)));
            }
            Optional<NDArray> penalty = encoder.regularization(scope);
            if (penalty.isPresent()) {
                total = total.add(penalty.get());
            }
            long backwardStart = System.nanoTime();
            collector.backward(total);
            timings[1] += System.nanoTime() - backwardStart;
            encoder.afterBackward((int) step);
            return total.getFloat();
        }
    }

    private static void update(Optimizer optimizer, List<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            NDArray weight = parameter.getArray();
            if (!weight.hasGradient()) {
                continue;
            }
            try (NDArray gradient = weight.getGradient()) {
                optimizer.update(parameter.getId(), weight, gradient);
                gradient.subi(gradient); // PyTorch accumulates gradients: clear for the next step
            }
        }
    }

    private static void clearGradients(List<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            NDArray weight = parameter.getArray();
            if (weight.hasGradient()) {
                try (NDArray gradient = weight.getGradient()) {
                    gradient.subi(gradient);
                }
            }
        }
    }

    private List<ReplayDocument> assignMissing(SemanticQuantizer quantizer, List<ReplayDocument> documents,
                                               Map<String, SemanticId> newIds, int dimension) {
        List<ReplayDocument> missing = new ArrayList<>();
        for (ReplayDocument document : documents) {
            requireDimension(document, dimension);
            if (document.storedId() == null) {
                missing.add(document);
            }
        }
        Map<String, SemanticId> assigned = new LinkedHashMap<>();
        if (!missing.isEmpty()) {
            float[][] vectors = new float[missing.size()][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = missing.get(i).vector();
            }
            int[][] codes = quantizer.assign(vectors);
            for (int i = 0; i < codes.length; i++) {
                assigned.put(missing.get(i).docId(), SemanticId.of(codes[i]));
            }
        }
        List<ReplayDocument> out = new ArrayList<>(documents.size());
        for (ReplayDocument document : documents) {
            SemanticId id = assigned.get(document.docId());
            if (id != null) {
                newIds.put(document.docId(), id);
                out.add(document.withStoredId(id));
            } else {
                out.add(document);
            }
        }
        return out;
    }

    private static void requireDimension(ReplayDocument document, int dimension) {
        if (document.vector().length != dimension) {
            throw new IllegalArgumentException("document '" + document.docId() + "' has a vector of "
                    + document.vector().length + " dimensions; the quantizer reads " + dimension);
        }
    }

    private static long count(List<Parameter> parameters) {
        long count = 0;
        for (Parameter parameter : parameters) {
            count += parameter.getArray().size();
        }
        return count;
    }

    private SemanticQuantizer copy(SemanticQuantizer quantizer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            quantizer.save(bytes);
            return SemanticQuantizer.load(manager, new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the quantizer", e);
        }
    }

    private IdDecoder copy(IdDecoder decoder) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                decoder.save(out);
            }
            return IdDecoder.load(decoder.options(), manager,
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot copy the decoder", e);
        }
    }
}
