package io.dsistream.pipelines.eval;

import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.Bm25Retriever;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.DenseRetriever;
import io.dsistream.models.eval.EmbeddingCache;
import io.dsistream.models.eval.EmbeddingCacheKey;
import io.dsistream.models.eval.Evaluation;
import io.dsistream.models.eval.EvaluationResult;
import io.dsistream.models.eval.ProgressReporter;
import ai.djl.ndarray.NDManager;
import io.dsistream.models.bundle.IdModelBundle;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.CapacityBoundedAssignment;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.GenerativeRetriever;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.RetrievalOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the retriever a method names and evaluates it on one split of a BEIR dataset. */
public final class EvalRunner {

    private final EvalSettings settings;
    private BalanceReport balance;
    private RetrievalOptions retrievalOptions;

    public EvalRunner(EvalSettings settings) {
        this.settings = settings;
    }

    public EvaluationResult run(BeirDataset dataset) throws Exception {
        Evaluation evaluation = new Evaluation(dataset, settings.split())
                .withDepth(settings.depth())
                .withProgress(settings.showProgress());
        switch (settings.method()) {
            case BM25 -> {
                try (Bm25Retriever bm25 = new Bm25Retriever(dataset.corpus())) {
                    return evaluation.run(bm25);
                }
            }
            case DENSE -> {
                try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions())) {
                    CorpusVectors vectors = corpusVectors(dataset, encoder);
                    try (DenseRetriever dense = new DenseRetriever(encoder, vectors, settings.batchSize())) {
                        return evaluation.run(dense);
                    }
                }
            }
            default -> {
                return runGenerative(dataset, evaluation);
            }
        }
    }

    /** The balance report of the evaluated ID assignment, after {@link #run} of a generative method. */
    public Optional<BalanceReport> balance() {
        return Optional.ofNullable(balance);
    }

    /** The retriever options used, after {@link #run} of a generative method. */
    public Optional<RetrievalOptions> retrievalOptions() {
        return Optional.ofNullable(retrievalOptions);
    }

    private EvaluationResult runGenerative(BeirDataset dataset, Evaluation evaluation) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions())) {
            IdModelBundle bundle = IdModelBundle.load(settings.model(), manager, settings.encoder());
            if (!bundle.manifest().method().equals(settings.method().cliName())) {
                throw new IllegalArgumentException(settings.model() + " holds a '" + bundle.manifest().method()
                        + "' model, not '" + settings.method().cliName() + "'");
            }
            try (IdModel stored = bundle.model()) {
                CorpusVectors vectors = corpusVectors(dataset, encoder);
                IdModel model = reassigned(stored, vectors);
                retrievalOptions = retrievalOptions(model);
                System.err.println("retrieval " + retrievalOptions);
                GenerativeRetriever retriever = new GenerativeRetriever(encoder, model, vectors, retrievalOptions,
                        manager);
                balance = BalanceReport.of(retriever.trie(), model.vocabulary());
                return evaluation.run(retriever);
            }
        }
    }

    /**
     * The stored model, or with {@code --leaf-capacity} the same quantizer and decoder with every corpus document's
     * ID assigned anew under that capacity (what training with that capacity stores, minus its effect on choosing
     * the best epoch).
     */
    private IdModel reassigned(IdModel stored, CorpusVectors vectors) {
        Integer capacity = settings.retrieval().leafCapacity();
        if (capacity == null) {
            return stored;
        }
        if (stored.quantizer() == null) {
            throw new IllegalArgumentException("--leaf-capacity needs an asi bundle with a quantizer");
        }
        List<String> docIds = new ArrayList<>(stored.assignments().keySet());
        float[][] rows = new float[docIds.size()][];
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            row.put(vectors.docIds().get(i), i);
        }
        for (int d = 0; d < rows.length; d++) {
            rows[d] = vectors.vector(row.get(docIds.get(d)));
        }
        SemanticQuantizer quantizer = stored.quantizer();
        int[][] codes = capacity == 0 ? quantizer.assign(rows)
                : new CapacityBoundedAssignment(quantizer.options().positions(),
                quantizer.options().codesPerPosition(), capacity).assign(quantizer.logCodeProbabilities(rows));
        Map<String, SemanticId> assignments = new LinkedHashMap<>();
        for (int d = 0; d < rows.length; d++) {
            assignments.put(docIds.get(d), SemanticId.of(codes[d]));
        }
        System.err.println("re-assigned " + rows.length + " documents' IDs at leaf capacity " + capacity);
        // not closed: it borrows the stored model's quantizer, which the stored model closes
        return new IdModel(stored.method(), quantizer, stored.decoder(), assignments, stored.prefixFree());
    }

    private RetrievalOptions retrievalOptions(IdModel model) {
        EvalSettings.RetrievalOverrides overrides = settings.retrieval();
        RetrievalOptions options = model.quantizer() != null ? RetrievalOptions.asiDefaults()
                : RetrievalOptions.dsiDefaults();
        if (overrides.beamSize() != null) {
            options = options.withBeamSize(overrides.beamSize());
        }
        if (overrides.decoderWeight() != null || overrides.denseWeight() != null) {
            options = options.withWeights(
                    overrides.decoderWeight() != null ? overrides.decoderWeight() : options.decoderWeight(),
                    overrides.denseWeight() != null ? overrides.denseWeight() : options.denseWeight());
        }
        if (overrides.leafRanking() != null) {
            options = options.withLeafRanking(overrides.leafRanking());
        }
        if (overrides.candidateShare() != null) {
            options = options.withCandidateShare(overrides.candidateShare());
        }
        return options;
    }

    private EncoderOptions encoderOptions() {
        return EncoderOptions.builder()
                .optMaxLength(settings.maxLength())
                .optBatchSize(settings.batchSize())
                .build();
    }

    /** The corpus vectors from the embedding cache, encoding (with a progress line) only what is not there. */
    private CorpusVectors corpusVectors(BeirDataset dataset, TextEncoder encoder) throws IOException {
        EmbeddingCacheKey key = EmbeddingCacheKey.forCorpusFile(settings.encoder().cliName(), settings.maxLength(),
                dataset.corpusFile());
        ProgressReporter progress = ProgressReporter.of(settings.showProgress(), "encoding corpus", "docs",
                dataset.corpus().size());
        return new EmbeddingCache(settings.cacheDirectory().resolve("embeddings"))
                .loadOrEncode(key, dataset.corpus(), encoder, settings.batchSize(), progress);
    }
}
