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
import io.dsistream.models.retrieval.PlannedLeafRetriever;
import io.dsistream.models.retrieval.QueryPlanner;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.models.serving.RetrievalModel;
import io.dsistream.pipelines.indexing.IndexingJobOptions;
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
        boolean planned = settings.retrieval().candidates() == EvalSettings.CandidateSelection.PLANNED;
        if (planned && ModelRegistry.readManifest(settings.model()).componentFile(IndexingBundle.DECODER) == null) {
            return runPlannedQuantizerOnly(dataset, evaluation);
        }
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
                if (planned) {
                    return runPlanned(evaluation, encoder, model, vectors);
                }
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
     * A bundle with a quantizer and no decoder (what {@code dsi demo} bootstraps): every document gets its ID from
     * the quantizer, as the job's AssignId does, then the job's retrieval runs over those IDs.
     */
    private EvaluationResult runPlannedQuantizerOnly(BeirDataset dataset, Evaluation evaluation) throws Exception {
        IndexingBundle served = IndexingBundle.open(settings.model());
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions());
             RetrievalModel model = served.openRetrieval(plannedOptions(), settings.batchSize())) {
            CorpusVectors vectors = corpusVectors(dataset, encoder);
            float[][] rows = new float[vectors.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = vectors.vector(i);
            }
            int[][] codes = model.assignIds(rows);
            DocIdTrie trie = new DocIdTrie();
            for (int i = 0; i < codes.length; i++) {
                trie.add(vectors.docIds().get(i), SemanticId.of(codes[i]));
            }
            System.err.println("retrieval (planned, as the streaming job; quantizer IDs, no decoder) "
                    + model.planner().options());
            balance = BalanceReport.of(trie, model.planner().vocabulary());
            return evaluation.run(new PlannedLeafRetriever(model.planner(), trie, vectors,
                    IndexingJobOptions.KEY_PREFIX_LENGTH.defaultValue()));
        }
    }

    private StreamingRetrievalOptions plannedOptions() {
        EvalSettings.RetrievalOverrides overrides = settings.retrieval();
        StreamingRetrievalOptions options = StreamingRetrievalOptions.defaults();
        if (overrides.beamSize() != null) {
            options = options.withBeamSize(overrides.beamSize());
        }
        if (overrides.quantizerLeaves() != null) {
            options = options.withQuantizerLeaves(overrides.quantizerLeaves());
        }
        if (overrides.decoderWeight() != null || overrides.denseWeight() != null) {
            options = options.withWeights(
                    overrides.decoderWeight() != null ? overrides.decoderWeight() : options.decoderWeight(),
                    overrides.denseWeight() != null ? overrides.denseWeight() : options.denseWeight());
        }
        return options;
    }

    /** The streaming job's retrieval over the bundle's stored IDs (same key length as the job's default). */
    private EvaluationResult runPlanned(Evaluation evaluation, TextEncoder encoder, IdModel model,
                                        CorpusVectors vectors) {
        if (model.quantizer() == null) {
            throw new IllegalArgumentException("--candidates planned needs an asi bundle (with a quantizer)");
        }
        StreamingRetrievalOptions options = plannedOptions();
        System.err.println("retrieval (planned, as the streaming job) " + options);
        QueryPlanner planner = new QueryPlanner(encoder, model.quantizer(), model.decoder(), options);
        DocIdTrie trie = model.trie();
        balance = BalanceReport.of(trie, model.vocabulary());
        return evaluation.run(new PlannedLeafRetriever(planner, trie, vectors,
                IndexingJobOptions.KEY_PREFIX_LENGTH.defaultValue()));
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
