package io.dsistream.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.asi.QuantizerOptions;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.retrieval.RetrievalOptions;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains ASI++ (Liu et al., §2): the semantic indexing module and the ID decoder jointly with
 * {@code L = L_c + L_CE + λ (L_di + L_bot + L_ib)} (λ warmed from 0.01 to 0.25 over the first epoch), the decoder's
 * target for a document being its current quantizer ID. The encoder is frozen, so its pooled vectors and token
 * states come precomputed ({@link EncodedTexts}, {@link CorpusVectors}); L_bot and L_ib, which act on the dense
 * vectors, are computed and logged but carry no gradient until an adapter makes the encoder trainable. After
 * training every corpus document's ID is assigned once with the final quantizer and stored in the model.
 */
public final class AsiTrainer {

    private final TrainingOptions options;
    private final PrintStream log;
    private DecoderShape decoderShape;

    public AsiTrainer(TrainingOptions options, PrintStream log) {
        if (!TrainingOptions.ASI.equals(options.method())) {
            throw new IllegalArgumentException("AsiTrainer trains method asi, got " + options.method());
        }
        this.options = options;
        this.log = log;
    }

    /** The device training runs on: the first GPU when the engine sees one, else the CPU. */
    public static ai.djl.Device device() {
        return JointTrainingLoop.autoDevice();
    }

    /** The quantizer shape: the options' L and V, or {@link QuantizerOptions#forCorpus} when they are 0. */
    public QuantizerOptions quantizerOptions(int documents, int dimension) {
        QuantizerOptions sized = QuantizerOptions.forCorpus(documents, dimension).withKind(options.quantizerKind())
                .withSeed(options.seed());
        if (options.positions() > 0 || options.codesPerPosition() > 0) {
            sized = sized.withShape(options.positions() > 0 ? options.positions() : sized.positions(),
                    options.codesPerPosition() > 0 ? options.codesPerPosition() : sized.codesPerPosition());
        }
        return sized;
    }

    /**
     * @param manager   owns the trained quantizer and decoder (the result's model)
     * @param documents the corpus's pooled document vectors, in the corpus order of {@code data}
     */
    /** Trains a decoder of this shape instead of {@code DecoderOptions.defaults} (small models for tests). */
    public AsiTrainer withDecoderShape(DecoderShape shape) {
        this.decoderShape = shape;
        return this;
    }

    public TrainingResult train(NDManager manager, TrainingData data, EncodedTexts texts, CorpusVectors documents) {
        QuantizerOptions quantizerOptions = quantizerOptions(documents.size(), documents.dimension());
        float[][] rows = JointTrainingLoop.rows(documents);
        log.println("quantizer " + quantizerOptions + " (" + quantizerOptions.leaves() + " leaves for "
                + documents.size() + " documents)");
        SemanticQuantizer quantizer = SemanticQuantizer.create(manager, quantizerOptions, rows);
        if (quantizerOptions.kind() == QuantizerKind.MLP && options.warmStartEpochs() > 0) {
            warmStart(manager, quantizer, rows);
        }
        IdVocabulary vocabulary = new IdVocabulary(quantizerOptions.positions(), quantizerOptions.codesPerPosition());
        return new JointTrainingLoop(options, log, decoderShape).run(manager, data, texts, documents, quantizer, null, vocabulary,
                true, RetrievalOptions.asiDefaults());
    }

    /**
     * Fits the MLP to the residual k-means codes of the documents (cross-entropy per position), so joint training
     * starts from an ID space that already groups similar documents, as the RQ/PQ codebooks do by construction.
     * Without it a randomly initialised MLP puts most documents in a few leaves for the first epochs.
     */
    private void warmStart(NDManager manager, SemanticQuantizer quantizer, float[][] rows) {
        long started = System.nanoTime();
        int[][] targets;
        try (SemanticQuantizer kMeans = SemanticQuantizer.create(manager,
                quantizer.options().withKind(QuantizerKind.RESIDUAL), rows)) {
            targets = kMeans.assign(rows);
        }
        int l = quantizer.options().positions();
        int v = quantizer.options().codesPerPosition();
        int h = quantizer.options().dimension();
        Optimizer adam = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            order.add(i);
        }
        Random random = new Random(options.seed() + 1);
        int batch = 256;
        float lastLoss = Float.NaN;
        for (int epoch = 0; epoch < options.warmStartEpochs(); epoch++) {
            Collections.shuffle(order, random);
            for (int start = 0; start + batch <= order.size() || start == 0; start += batch) {
                int end = Math.min(order.size(), start + batch);
                float[] flat = new float[(end - start) * h];
                float[] oneHot = new float[(end - start) * l * v];
                for (int i = start; i < end; i++) {
                    int row = order.get(i);
                    System.arraycopy(rows[row], 0, flat, (i - start) * h, h);
                    for (int p = 0; p < l; p++) {
                        oneHot[((i - start) * l + p) * v + targets[row][p]] = 1f;
                    }
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray embeddings = scope.create(flat, new Shape(end - start, h));       // (B, H)
                    NDArray wanted = scope.create(oneHot, new Shape(end - start, l, v));      // (B, L, V)
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logProbabilities = quantizer.forward(embeddings, true).logCodeProbabilities();
                        NDArray loss = logProbabilities.mul(wanted).sum().neg()
                                .div(scope.create((float) ((end - start) * l)));
                        collector.backward(loss);
                        lastLoss = loss.getFloat();
                    }
                }
                for (Pair<String, Parameter> parameter : quantizer.getParameters()) {
                    NDArray weight = parameter.getValue().getArray();
                    try (NDArray gradient = weight.getGradient()) {
                        adam.update(parameter.getValue().getId(), weight, gradient);
                        gradient.subi(gradient);
                    }
                }
                if (end == order.size()) {
                    break;
                }
            }
        }
        log.printf(Locale.ROOT, "MLP warm start on residual k-means codes: %d epochs, cross-entropy %.4f (%.0f s)%n",
                options.warmStartEpochs(), lastLoss, (System.nanoTime() - started) / 1e9);
    }
}
