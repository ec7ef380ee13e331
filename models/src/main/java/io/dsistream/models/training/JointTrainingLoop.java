package io.dsistream.models.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.util.Pair;
import io.dsistream.models.asi.AsiLoss;
import io.dsistream.models.asi.AsiLossInputs;
import io.dsistream.models.asi.AsiLossTerms;
import io.dsistream.models.asi.AsiTerm;
import io.dsistream.models.asi.LambdaSchedule;
import io.dsistream.models.asi.LossWeights;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.decoder.TeacherForcing;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.RetrievalMetrics;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.CapacityBoundedAssignment;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.GenerativeRetriever;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.RetrievalOptions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The training loop both trainers share: shuffled batches of pairs, the decoder's teacher-forced loss on the
 * query side's token states and, with a quantizer (ASI), ASI++'s full objective; DJL's AdamW with linear warm-up,
 * gradient accumulation, a progress line, validation after each epoch with early stopping (the best epoch's weights
 * are kept). Without a quantizer the decoder's targets are the fixed IDs given (DSI); with one they are the
 * documents' current quantizer IDs (ASI++ trains the ID module and the decoder jointly).
 */
final class JointTrainingLoop {

    private final TrainingOptions options;
    private final PrintStream log;
    private final DecoderShape decoderShape;

    JointTrainingLoop(TrainingOptions options, PrintStream log, DecoderShape decoderShape) {
        this.options = options;
        this.log = log;
        this.decoderShape = decoderShape;
    }

    /** The device training runs on: the first GPU when the engine sees one, else the CPU. */
    static Device autoDevice() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * @param quantizer  ASI's quantizer, trained here, or null for fixed IDs
     * @param fixedIds   per corpus document its ID (DSI), or null with a quantizer
     */
    TrainingResult run(NDManager manager, TrainingData data, EncodedTexts texts, CorpusVectors documents,
                       SemanticQuantizer quantizer, List<SemanticId> fixedIds, IdVocabulary vocabulary,
                       boolean prefixFree, RetrievalOptions validationRetrieval) {
        long started = System.nanoTime();
        // dropout draws from the engine's global generator: seed it so equal options give equal runs
        Engine.getInstance().setRandomSeed((int) options.seed());
        float[][] documentVectors = rows(documents);
        DecoderOptions decoderOptions = decoderShape == null
                ? DecoderOptions.defaults(vocabulary).withMemoryWidth(texts.dimension())
                : decoderShape.options(vocabulary, texts.dimension());
        IdDecoder decoder = IdDecoder.create(decoderOptions, manager, options.seed());
        int batchesPerEpoch = Math.max(1, data.pairs().size() / options.batchSize());
        int stepsPerEpoch = Math.max(1, batchesPerEpoch / options.accumulation());
        Optimizer optimizer = Optimizer.adamW()
                .optLearningRateTracker(Tracker.warmUp().optWarmUpSteps(options.warmupSteps())
                        .optWarmUpMode(WarmUpTracker.Mode.LINEAR)
                        .setMainTracker(Tracker.fixed(options.learningRate())).build())
                .optWeightDecays(options.weightDecay())
                .build();
        AsiLoss loss = new AsiLoss(weights(), new LambdaSchedule(stepsPerEpoch));
        List<Parameter> parameters = new ArrayList<>();
        for (Pair<String, Parameter> p : decoder.getParameters()) {
            parameters.add(p.getValue());
        }
        if (quantizer != null) {
            for (Pair<String, Parameter> p : quantizer.getParameters()) {
                parameters.add(p.getValue());
            }
        }
        log.printf(Locale.ROOT, "training %s on %s: %d pairs/epoch (%s), %d batches of %d, %d steps/epoch, "
                        + "%d validation queries, vocabulary %s%n", options.method(), manager.getDevice(),
                data.pairs().size(), data.counts(), batchesPerEpoch, options.batchSize(), stepsPerEpoch,
                data.validation().size(), vocabulary);

        Random random = new Random(options.seed());
        List<TrainingPair> order = new ArrayList<>(data.pairs());
        long step = 0;
        int batchInStep = 0;
        double bestMetric = Double.NEGATIVE_INFINITY;
        Map<String, Double> bestValidation = Map.of();
        byte[][] bestWeights = null;
        int bestEpoch = 0;
        int epochsRun = 0;
        int staleEpochs = 0;
        Map<AsiTerm, Double> sums = new LinkedHashMap<>();
        double totalSum = 0;
        int summed = 0;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            Collections.shuffle(order, random);
            for (int batch = 0; batch < batchesPerEpoch; batch++) {
                List<TrainingPair> pairs = order.subList(batch * options.batchSize(), (batch + 1) * options.batchSize());
                try (NDManager scope = manager.newSubManager()) {
                    AsiLossTerms terms = forwardBackward(scope, pairs, texts, documentVectors, quantizer, fixedIds,
                            vocabulary, prefixFree, decoder, loss, step);
                    for (Map.Entry<AsiTerm, NDArray> term : terms.terms().entrySet()) {
                        sums.merge(term.getKey(), (double) term.getValue().getFloat(), Double::sum);
                    }
                    totalSum += terms.totalValue();
                    summed++;
                }
                if (++batchInStep == options.accumulation()) {
                    batchInStep = 0;
                    update(optimizer, parameters);
                    step++;
                    if (step % options.progressEvery() == 0) {
                        log.printf(Locale.ROOT, "epoch %d step %d lr %.2e λ %.3f L=%.4f %s (%.0f s)%n", epoch, step,
                                currentRate(step),
                                loss.schedule().lambda(step), totalSum / summed, describe(sums, summed),
                                (System.nanoTime() - started) / 1e9);
                        sums.clear();
                        totalSum = 0;
                        summed = 0;
                    }
                }
            }
            epochsRun = epoch;
            List<SemanticId> ids = quantizer == null ? fixedIds
                    : assign(quantizer, documentVectors, options.leafCapacity());
            Map<String, Double> metrics = validate(manager, data, texts, documents, quantizer, decoder, ids,
                    prefixFree, validationRetrieval);
            BalanceReport balance = BalanceReport.of(trie(documents, ids), vocabulary);
            log.printf(Locale.ROOT, "epoch %d validation %s; balance: %d used leaves, normalized entropy %.4f, "
                            + "max leaf %d (%.0f s)%n", epoch, metrics, balance.usedLeaves(),
                    balance.normalizedEntropy(), balance.maxLeaf(), (System.nanoTime() - started) / 1e9);
            if (quantizer != null && options.leafCapacity() > 0) {
                // the quantizer's own balance, which the ASI++ losses act on, before the capacity moves documents
                BalanceReport argmax = BalanceReport.of(trie(documents, assign(quantizer, documentVectors, 0)),
                        vocabulary);
                log.printf(Locale.ROOT, "epoch %d argmax balance: %d used leaves, normalized entropy %.4f, max leaf %d%n",
                        epoch, argmax.usedLeaves(), argmax.normalizedEntropy(), argmax.maxLeaf());
            }
            double metric = metrics.getOrDefault("ndcg@10", 0.0) + metrics.getOrDefault("recall@100", 0.0);
            if (metric > bestMetric) {
                bestMetric = metric;
                bestValidation = metrics;
                bestEpoch = epoch;
                bestWeights = snapshot(quantizer, decoder);
                staleEpochs = 0;
            } else if (++staleEpochs >= options.patience()) {
                log.printf(Locale.ROOT, "early stop after epoch %d: no better validation for %d epochs%n", epoch,
                        staleEpochs);
                break;
            }
        }
        if (bestEpoch != epochsRun) {
            log.printf(Locale.ROOT, "restoring the weights of epoch %d%n", bestEpoch);
            SemanticQuantizer restoredQuantizer = quantizer == null ? null : restoreQuantizer(manager, bestWeights[0]);
            if (quantizer != null) {
                quantizer.close();
            }
            quantizer = restoredQuantizer;
            decoder = restoreDecoder(manager, decoderOptions, bestWeights[1]);
        }
        List<SemanticId> finalIds = quantizer == null ? fixedIds
                : assign(quantizer, documentVectors, options.leafCapacity());
        Map<String, SemanticId> assignments = new LinkedHashMap<>();
        for (int d = 0; d < finalIds.size(); d++) {
            assignments.put(documents.docIds().get(d), finalIds.get(d));
        }
        IdModel model = new IdModel(options.method(), quantizer, decoder, assignments, prefixFree);
        BalanceReport balance = BalanceReport.of(model.trie(), vocabulary);
        Map<String, Object> statistics = new LinkedHashMap<>();
        data.counts().forEach((source, count) -> statistics.put("pairs." + source.name().toLowerCase(Locale.ROOT),
                count));
        statistics.put("pairs_per_epoch", data.pairs().size());
        statistics.put("validation_queries", data.validation().size());
        statistics.put("epochs_run", epochsRun);
        statistics.put("best_epoch", bestEpoch);
        statistics.put("optimizer_steps", step);
        statistics.put("device", manager.getDevice().toString());
        if (quantizer != null) {
            BalanceReport argmax = BalanceReport.of(trie(documents, assign(quantizer, documentVectors, 0)),
                    vocabulary);
            statistics.put("leaf_capacity", options.leafCapacity());
            statistics.put("argmax.used_leaves", argmax.usedLeaves());
            statistics.put("argmax.normalized_entropy", argmax.normalizedEntropy());
            statistics.put("argmax.max_leaf", argmax.maxLeaf());
        }
        statistics.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        return new TrainingResult(model, statistics, bestValidation, balance);
    }

    private float currentRate(long step) {
        return step < options.warmupSteps() ? options.learningRate() * step / options.warmupSteps()
                : options.learningRate();
    }

    private LossWeights weights() {
        LossWeights weights = LossWeights.defaults();
        return options.disabledTerms().isEmpty() ? weights
                : weights.without(options.disabledTerms().toArray(new AsiTerm[0]));
    }

    private AsiLossTerms forwardBackward(NDManager scope, List<TrainingPair> pairs, EncodedTexts texts,
                                         float[][] documentVectors, SemanticQuantizer quantizer,
                                         List<SemanticId> fixedIds, IdVocabulary vocabulary, boolean prefixFree,
                                         IdDecoder decoder, AsiLoss loss, long step) {
        int b = pairs.size();
        int[] textRows = new int[b];
        int[] documentRows = new int[b];
        for (int i = 0; i < b; i++) {
            textRows[i] = pairs.get(i).text();
            documentRows[i] = pairs.get(i).document();
        }
        NDArray[] memory = texts.memory(scope, textRows);                       // (B, S, H), (B, S)
        List<int[]> targetTokens = new ArrayList<>(b);
        NDArray queryEmbeddings = null;
        NDArray documentEmbeddings = null;
        if (quantizer != null) {
            queryEmbeddings = texts.pooled(scope, textRows);                     // (B, H)
            float[] flat = new float[b * texts.dimension()];
            for (int i = 0; i < b; i++) {
                System.arraycopy(documentVectors[documentRows[i]], 0, flat, i * texts.dimension(), texts.dimension());
            }
            documentEmbeddings = scope.create(flat, new Shape(b, texts.dimension())); // (B, H)
            // the decoder's target is each document's current ID: the quantizer's argmax in inference mode
            long[] codes = quantizer.forward(documentEmbeddings, false).logCodeProbabilities().argMax(-1)
                    .toLongArray();                                              // (B, L)
            int positions = vocabulary.maxLength();
            for (int i = 0; i < b; i++) {
                int[] id = new int[positions];
                for (int p = 0; p < positions; p++) {
                    id[p] = (int) codes[i * positions + p];
                }
                targetTokens.add(vocabulary.tokens(id));
            }
        } else {
            for (int i = 0; i < b; i++) {
                targetTokens.add(fixedIds.get(documentRows[i]).tokens(vocabulary));
            }
        }
        NDArray targets = TeacherForcing.targets(scope, targetTokens, !prefixFree);      // (B, T)
        NDArray inputs = TeacherForcing.decoderInputs(targets);                          // (B, T)
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = decoder.logits(memory[0], memory[1], inputs, true);        // (B, T, V)
            AsiLossTerms terms;
            if (quantizer == null) {
                NDArray ce = TeacherForcing.crossEntropy(logits, targets);
                terms = new AsiLossTerms(Map.of(AsiTerm.DECODER, ce), ce, 0f);
            } else {
                var queryOut = quantizer.forward(queryEmbeddings, true);
                var documentOut = quantizer.forward(documentEmbeddings, true);
                float[] negatives = new float[b * b];
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) {
                        negatives[i * b + j] = documentRows[i] == documentRows[j] ? 0f : 1f;
                    }
                }
                terms = loss.compute(AsiLossInputs.builder()
                        .setQueries(queryEmbeddings, queryOut.codeProbabilities())
                        .setDocuments(documentEmbeddings, documentOut.codeProbabilities())
                        .optQuantizationLoss(queryOut.quantizationLoss().add(documentOut.quantizationLoss()))
                        .optDecoder(logits, targets)
                        .optNegativeMask(scope.create(negatives, new Shape(b, b)))
                        .build(), step);
            }
            NDArray total = options.accumulation() == 1 ? terms.total()
                    : terms.total().div(scope.create((float) options.accumulation()));
            collector.backward(total);
            return terms;
        }
    }

    private static void update(Optimizer optimizer, List<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            NDArray weight = parameter.getArray();
            try (NDArray gradient = weight.getGradient()) {
                optimizer.update(parameter.getId(), weight, gradient);
                gradient.subi(gradient); // PyTorch accumulates gradients: clear for the next step
            }
        }
    }

    private static String describe(Map<AsiTerm, Double> sums, int count) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<AsiTerm, Double> term : sums.entrySet()) {
            line.append(line.length() == 0 ? "" : " ").append(term.getKey().label()).append('=')
                    .append(String.format(Locale.ROOT, "%.4f", term.getValue() / count));
        }
        return line.toString();
    }

    /**
     * Every document's ID under the quantizer: the argmax per position, or with {@code leafCapacity > 0} the most
     * probable leaf with room ({@link CapacityBoundedAssignment}).
     */
    static List<SemanticId> assign(SemanticQuantizer quantizer, float[][] documentVectors, int leafCapacity) {
        int[][] codes = leafCapacity == 0 ? quantizer.assign(documentVectors)
                : new CapacityBoundedAssignment(quantizer.options().positions(),
                quantizer.options().codesPerPosition(), leafCapacity)
                .assign(quantizer.logCodeProbabilities(documentVectors));
        List<SemanticId> ids = new ArrayList<>(codes.length);
        for (int[] id : codes) {
            ids.add(SemanticId.of(id));
        }
        return ids;
    }

    static float[][] rows(CorpusVectors vectors) {
        float[][] rows = new float[vectors.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vectors.vector(i);
        }
        return rows;
    }

    private static DocIdTrie trie(CorpusVectors documents, List<SemanticId> ids) {
        DocIdTrie trie = new DocIdTrie();
        for (int d = 0; d < ids.size(); d++) {
            trie.add(documents.docIds().get(d), ids.get(d));
        }
        return trie;
    }

    /** nDCG@10, Recall@100, MRR@10 and docs scored per query of the held-out queries under the current IDs. */
    private Map<String, Double> validate(NDManager manager, TrainingData data, EncodedTexts texts,
                                         CorpusVectors documents, SemanticQuantizer quantizer, IdDecoder decoder,
                                         List<SemanticId> ids, boolean prefixFree, RetrievalOptions retrieval) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (data.validation().isEmpty()) {
            return metrics;
        }
        Map<String, SemanticId> assignments = new LinkedHashMap<>();
        for (int d = 0; d < ids.size(); d++) {
            assignments.put(documents.docIds().get(d), ids.get(d));
        }
        // not closed: it borrows the quantizer that training goes on with
        IdModel current = new IdModel(options.method(), quantizer, decoder, assignments, prefixFree);
        GenerativeRetriever retriever = new GenerativeRetriever(null, current, documents, retrieval, manager);
        double ndcg = 0;
        double recall = 0;
        double mrr = 0;
        double scored = 0;
        for (ValidationQuery query : data.validation()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray[] memory = texts.memory(scope, new int[] {query.text()});
                Ranking ranking = retriever.rank(memory[0].get(0), memory[1].get(0), texts.pooled(query.text()), 100);
                List<ScoredDoc> ordered = RetrievalMetrics.trecEvalOrder(ranking.docs());
                ndcg += RetrievalMetrics.ndcgAt(ordered, query.judgments(), 10);
                recall += RetrievalMetrics.recallAt(ordered, query.judgments(), 100);
                mrr += RetrievalMetrics.reciprocalRankAt(ordered, query.judgments(), 10);
                scored += ranking.docsScored();
            }
        }
        int n = data.validation().size();
        metrics.put("ndcg@10", ndcg / n);
        metrics.put("recall@100", recall / n);
        metrics.put("mrr@10", mrr / n);
        metrics.put("docs_scored", scored / n);
        return metrics;
    }

    private static byte[][] snapshot(SemanticQuantizer quantizer, IdDecoder decoder) {
        try {
            byte[] quantizerBytes = null;
            if (quantizer != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                quantizer.save(out);
                quantizerBytes = out.toByteArray();
            }
            ByteArrayOutputStream decoderBytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(decoderBytes)) {
                decoder.save(out);
            }
            return new byte[][] {quantizerBytes, decoderBytes.toByteArray()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot the best weights", e);
        }
    }

    private static SemanticQuantizer restoreQuantizer(NDManager manager, byte[] bytes) {
        try {
            return SemanticQuantizer.load(manager, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IdDecoder restoreDecoder(NDManager manager, DecoderOptions options, byte[] bytes) {
        try {
            return IdDecoder.load(options, manager, new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot restore the best decoder weights", e);
        }
    }
}
