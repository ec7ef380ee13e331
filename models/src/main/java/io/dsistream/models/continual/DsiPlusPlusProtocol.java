package io.dsistream.models.continual;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.DenseRetriever;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.RetrievalMetrics;
import io.dsistream.models.eval.ProgressReporter;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.retrieval.GenerativeRetriever;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.training.AsiTrainer;
import io.dsistream.models.training.EncodedTexts;
import io.dsistream.models.training.TrainingData;
import io.dsistream.models.training.TrainingResult;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The DSI++ protocol (Mehta et al. 2023, as issue 7 states it), offline: the corpus split by a seeded shuffle into an
 * initial part (60%) and increments (four of 10%); every train and test query assigned to the part of its relevant
 * documents (the latest, when they span parts); an ASI++ model trained on the initial part (its train queries only);
 * then, per strategy (none / naive / replay), one {@link ContinualRound} per increment with the increment's
 * documents, its train queries as feedback and, for replay, a {@link ReplayBuffer} sample. After every increment
 * Recall@10 and nDCG@10 are measured on the test queries of the initial part and of each increment so far. A
 * reference model trained on the whole corpus at once is measured on the same query groups.
 *
 * <p>Figures: {@code forgetting.recall@10.<strategy>} is the drop on the initial part's test queries from before the
 * first increment to after the last; {@code new_docs.recall@10.<strategy>} is the mean over increments of the
 * Recall@10 on an increment's test queries right after its round. Document vectors are the caller's (the same
 * frozen encoder at index time, as the streaming job stores them); the query side runs the base encoder with the
 * strategy's adapters.
 */
public final class DsiPlusPlusProtocol {

    private final ProtocolSettings settings;
    private final PrintStream log;

    public DsiPlusPlusProtocol(ProtocolSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** The corpus split: per document its part (0 = initial), per query split its queries by part. */
    public record Split(List<BeirDocument> documents, Map<String, Integer> partOf, int parts,
                 Map<String, Map<String, Map<String, Integer>>> trainByPart,
                 Map<String, Map<String, Map<String, Integer>>> testByPart) {

        public List<BeirDocument> part(int part) {
            return documents.stream().filter(d -> partOf.get(d.id()) == part).toList();
        }

        List<BeirDocument> upTo(int part) {
            return documents.stream().filter(d -> partOf.get(d.id()) <= part).toList();
        }

        /** Queries of {@code part} of a split: query id → judgments. */
        public static Map<String, Map<String, Integer>> of(Map<String, Map<String, Map<String, Integer>>> byPart, int part) {
            return byPart.getOrDefault(Integer.toString(part), Map.of());
        }
    }

    /**
     * Splits a corpus as DSI++ does. Parts: 0 the initial share, then {@code increments} parts of the rest.
     * Queries: the latest part among their relevant documents (graded above 0, inside the corpus kept).
     */
    public static Split split(BeirDataset dataset, double initialShare, int increments, int maxDocuments, long seed) {
        List<BeirDocument> documents = new ArrayList<>(dataset.corpus());
        Random random = new Random(seed);
        if (maxDocuments > 0 && maxDocuments < documents.size()) {
            // judged documents first, so a reduced run still has queries to measure
            Set<String> judged = new HashSet<>();
            for (String split : dataset.splits()) {
                dataset.qrels(split).asMap().values().forEach(j -> j.forEach((doc, grade) -> {
                    if (grade > 0) {
                        judged.add(doc);
                    }
                }));
            }
            List<BeirDocument> relevant = new ArrayList<>();
            List<BeirDocument> other = new ArrayList<>();
            for (BeirDocument document : documents) {
                (judged.contains(document.id()) ? relevant : other).add(document);
            }
            Collections.shuffle(relevant, random);
            Collections.shuffle(other, random);
            List<BeirDocument> kept = new ArrayList<>(relevant.subList(0, Math.min(relevant.size(), maxDocuments)));
            kept.addAll(other.subList(0, Math.min(other.size(), maxDocuments - kept.size())));
            documents = kept;
        }
        documents.sort(java.util.Comparator.comparing(BeirDocument::id));
        Collections.shuffle(documents, new Random(seed));
        int n = documents.size();
        int initial = (int) Math.round(initialShare * n);
        Map<String, Integer> partOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int part = i < initial ? 0 : 1 + (int) ((long) (i - initial) * increments / (n - initial));
            partOf.put(documents.get(i).id(), part);
        }
        return new Split(documents, partOf, increments + 1, byPart(dataset, "train", partOf),
                byPart(dataset, "test", partOf));
    }

    private static Map<String, Map<String, Map<String, Integer>>> byPart(BeirDataset dataset, String split,
                                                                       Map<String, Integer> partOf) {
        Map<String, Map<String, Map<String, Integer>>> out = new TreeMap<>();
        if (!dataset.hasSplit(split)) {
            return out;
        }
        for (Map.Entry<String, Map<String, Integer>> query : new TreeMap<>(dataset.qrels(split).asMap()).entrySet()) {
            Map<String, Integer> kept = new TreeMap<>();
            int part = -1;
            for (Map.Entry<String, Integer> judged : query.getValue().entrySet()) {
                Integer docPart = partOf.get(judged.getKey());
                if (judged.getValue() > 0 && docPart != null) {
                    kept.put(judged.getKey(), judged.getValue());
                    part = Math.max(part, docPart);
                }
            }
            if (part >= 0) {
                out.computeIfAbsent(Integer.toString(part), p -> new LinkedHashMap<>()).put(query.getKey(), kept);
            }
        }
        return out;
    }

    /**
     * Runs the protocol.
     *
     * @param vectors the corpus's document vectors (every document of {@code dataset}, any order)
     * @param after   hears the report after every measured step (e.g. to write it out as it grows)
     * @return the report: settings, split sizes, the per-step table, forgetting and new-document figures, reference
     */
    public Map<String, Object> run(BeirDataset dataset, CorpusVectors vectors, Path workDirectory,
                                   Consumer<Map<String, Object>> after) throws IOException {
        long started = System.nanoTime();
        Split split = split(dataset, settings.initialShare(), settings.increments(), settings.maxDocuments(),
                settings.seed());
        Map<String, Integer> vectorRow = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            vectorRow.put(vectors.docIds().get(i), i);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("settings", describeSettings());
        Map<String, Object> sizes = new LinkedHashMap<>();
        List<Integer> documentsPerPart = new ArrayList<>();
        List<Integer> trainPerPart = new ArrayList<>();
        List<Integer> testPerPart = new ArrayList<>();
        for (int p = 0; p < split.parts(); p++) {
            documentsPerPart.add(split.part(p).size());
            trainPerPart.add(Split.of(split.trainByPart(), p).size());
            testPerPart.add(Split.of(split.testByPart(), p).size());
        }
        sizes.put("documents", split.documents().size());
        sizes.put("documents_per_part", documentsPerPart);
        sizes.put("train_queries_per_part", trainPerPart);
        sizes.put("test_queries_per_part", testPerPart);
        report.put("split", sizes);
        log.println("DSI++ split: " + sizes);
        Map<String, BeirQuery> queries = dataset.queries();
        report.put("corpus_growth", corpusGrowth(split, vectors, vectorRow, queries));
        List<Map<String, Object>> steps = new ArrayList<>();
        report.put("steps", steps);

        try (NDManager manager = NDManager.newBaseManager()) {
            long initialStarted = System.nanoTime();
            IdModel initial = train(dataset, split, 0, vectors, vectorRow, manager, workDirectory.resolve("initial"));
            report.put("initial_training_seconds", (System.nanoTime() - initialStarted) / 1e9);

            Map<String, Object> before;
            try (TextEncoder encoder = queryEncoder()) {
                before = new LinkedHashMap<>();
                measure(before, encoder, initial, split, 0, vectors, vectorRow, queries, manager);
            }
            for (ContinualStrategy strategy : settings.strategies()) {
                Map<String, Object> first = new LinkedHashMap<>();
                first.put("strategy", strategy.cliName());
                first.put("step", 0);
                first.putAll(before);
                steps.add(first);
                runStrategy(strategy, initial, split, vectors, vectorRow, queries, manager, steps, report, after);
                summarise(report, steps, split.parts() - 1);
                after.accept(report);
            }
            // the reference last: the strategies' figures are written out first on a slow machine
            if (settings.reference()) {
                long referenceStarted = System.nanoTime();
                try (IdModel reference = train(dataset, split, split.parts() - 1, vectors, vectorRow, manager,
                        workDirectory.resolve("reference"));
                     TextEncoder encoder = queryEncoder()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("training_seconds", (System.nanoTime() - referenceStarted) / 1e9);
                    measure(row, encoder, reference, split, split.parts() - 1, vectors, vectorRow, queries, manager);
                    double sum = 0;
                    for (int k = 1; k < split.parts(); k++) {
                        sum += (double) row.get("increment." + k + ".recall@10");
                    }
                    row.put("new_docs.recall@10", sum / (split.parts() - 1));
                    report.put("reference", row);
                    log.println("reference (whole corpus at once): " + row);
                }
            }
            initial.close();
        }
        summarise(report, steps, split.parts() - 1);
        report.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        after.accept(report);
        return report;
    }

    /** The train judgements of part {@code part} as feedback pairs. */
    public static List<FeedbackPair> feedback(Split split, int part, Map<String, BeirQuery> queries) {
        List<FeedbackPair> pairs = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> query : Split.of(split.trainByPart(), part).entrySet()) {
            for (String docId : query.getValue().keySet()) {
                pairs.add(new FeedbackPair(queries.get(query.getKey()).text(), docId));
            }
        }
        return pairs;
    }

    private void runStrategy(ContinualStrategy strategy, IdModel initial, Split split, CorpusVectors vectors,
                             Map<String, Integer> vectorRow, Map<String, BeirQuery> queries, NDManager parent,
                             List<Map<String, Object>> steps, Map<String, Object> report,
                             Consumer<Map<String, Object>> after) {
        try (NDManager manager = parent.newSubManager(); TextEncoder encoder = queryEncoder()) {
            EncoderAdapters adapters = strategy == ContinualStrategy.NONE || settings.adapter() == null ? null
                    : EncoderAdapters.attach(encoder, settings.adapter());
            AdaptedQueryEncoder querySide = AdaptedQueryEncoder.of(encoder, adapters);
            ReplayBuffer buffer = new ReplayBuffer(settings.replayReservoir(), settings.replayWindow(),
                    settings.seed());
            for (BeirDocument document : split.part(0)) {
                buffer.add(new ReplayDocument(document.id(), document.flatText(),
                        initial.assignments().get(document.id()), vector(vectors, vectorRow, document.id())));
            }
            // all judgements so far, as the streaming trainer keeps them; a round uses those of its documents
            List<FeedbackPair> feedback = new ArrayList<>(feedback(split, 0, queries));
            IdModel current = initial;
            for (int k = 1; k < split.parts(); k++) {
                List<ReplayDocument> fresh = new ArrayList<>();
                for (BeirDocument document : split.part(k)) {
                    fresh.add(new ReplayDocument(document.id(), document.flatText(), null,
                            vector(vectors, vectorRow, document.id())));
                }
                feedback.addAll(feedback(split, k, queries));
                ContinualOptions options = settings.round().withStrategy(strategy).withSeed(settings.seed() + k);
                ContinualRound round = new ContinualRound(options, querySide, manager);
                int increment = k;
                round.optProgress(p -> {
                    if (p.step() % 20 == 0 || p.step() == p.totalSteps()) {
                        log.printf(Locale.ROOT, "  %s increment %d: step %d/%d loss %.4f (%.0f s)%n",
                                strategy.cliName(), increment, p.step(), p.totalSteps(), p.loss(), p.seconds());
                    }
                });
                RoundResult result = round.run(current, fresh, buffer.sample(), feedback);
                if (current != initial) {
                    current.close();
                }
                current = result.candidate();
                for (ReplayDocument document : fresh) {
                    buffer.add(document.withStoredId(current.assignments().get(document.docId())));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strategy", strategy.cliName());
                row.put("step", k);
                row.put("round_seconds", result.seconds());
                row.put("encoder_seconds", result.encoderSeconds());
                row.put("encoder_share", result.statistics().get("encoder_share"));
                row.put("backward_seconds", result.statistics().get("backward_seconds"));
                row.put("round_steps", result.statistics().get("steps"));
                row.put("round_pairs", result.statistics().get("pairs"));
                row.put("replayed_documents", result.statistics().get("documents.replayed"));
                row.put("drift", result.statistics().get("drift"));
                row.put("loss.first", result.statistics().get("loss.first"));
                row.put("loss.last", result.statistics().get("loss.last"));
                long evalStarted = System.nanoTime();
                measure(row, encoder, current, split, k, vectors, vectorRow, queries, manager);
                row.put("eval_seconds", (System.nanoTime() - evalStarted) / 1e9);
                steps.add(row);
                log.println("  " + row);
                after.accept(report);
            }
            if (current != initial) {
                current.close();
            }
        }
    }

    /** Recall@10 and nDCG@10 on the test queries of the initial part and of increments 1..{@code upTo}. */
    private void measure(Map<String, Object> row, TextEncoder encoder, IdModel model, Split split, int upTo,
                         CorpusVectors vectors, Map<String, Integer> vectorRow, Map<String, BeirQuery> queries,
                         NDManager manager) {
        CorpusVectors indexed = subset(vectors, vectorRow, new ArrayList<>(model.assignments().keySet()));
        GenerativeRetriever retriever = new GenerativeRetriever(encoder, model, indexed, settings.retrieval(), manager);
        for (int part = 0; part <= upTo; part++) {
            Map<String, Map<String, Integer>> group = Split.of(split.testByPart(), part);
            String prefix = part == 0 ? "initial." : "increment." + part + ".";
            List<String> ids = new ArrayList<>(group.keySet());
            List<String> texts = ids.stream().map(id -> queries.get(id).text()).toList();
            double[] scores = meanRecallAndNdcgAt10(ids, texts.isEmpty() ? List.of()
                    : retriever.searchAll(texts, 100), group);
            row.put(prefix + "recall@10", scores[0]);
            row.put(prefix + "ndcg@10", scores[1]);
            row.put(prefix + "queries", texts.size());
        }
    }

    /**
     * What the growing corpus alone costs, with no model that could forget: exhaustive dense retrieval (the base
     * encoder, every document scored) of the initial part's test queries, over the initial part and then over the
     * whole corpus. {@code drop.recall@10} is read beside {@code forgetting.recall@10.<strategy>}: more documents
     * competing for the same top 10 lower the figure of any retriever whose ranking does not learn.
     */
    public Map<String, Object> corpusGrowth(Split split, CorpusVectors vectors, Map<String, Integer> vectorRow,
                                            Map<String, BeirQuery> queries) {
        Map<String, Map<String, Integer>> group = Split.of(split.testByPart(), 0);
        List<String> ids = new ArrayList<>(group.keySet());
        List<String> texts = ids.stream().map(id -> queries.get(id).text()).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("retriever", "exhaustive dense, " + settings.encoder().cliName());
        out.put("queries", ids.size());
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(), EncoderOptions.builder()
                .optMaxLength(EncoderOptions.DEFAULT_MAX_LENGTH).build())) {
            for (String corpus : List.of("initial_part", "whole_corpus")) {
                List<String> docIds = (corpus.equals("initial_part") ? split.part(0) : split.documents()).stream()
                        .map(BeirDocument::id).toList();
                double[] scores = meanRecallAndNdcgAt10(ids, new DenseRetriever(encoder,
                        subset(vectors, vectorRow, docIds)).searchAll(texts, 10), group);
                out.put(corpus + ".documents", docIds.size());
                out.put(corpus + ".recall@10", scores[0]);
                out.put(corpus + ".ndcg@10", scores[1]);
            }
        }
        for (String metric : List.of("recall@10", "ndcg@10")) {
            out.put("drop." + metric, (double) out.get("initial_part." + metric)
                    - (double) out.get("whole_corpus." + metric));
        }
        log.println("corpus growth alone (exhaustive dense on the initial part's queries): " + out);
        return out;
    }

    /** Mean Recall@10 and nDCG@10 of one ranking per query of {@code ids}; zeros for no query. */
    public static double[] meanRecallAndNdcgAt10(List<String> ids, List<Ranking> rankings,
                                                  Map<String, Map<String, Integer>> judgements) {
        double recall = 0;
        double ndcg = 0;
        for (int q = 0; q < ids.size(); q++) {
            List<ScoredDoc> ordered = RetrievalMetrics.trecEvalOrder(rankings.get(q).docs());
            recall += RetrievalMetrics.recallAt(ordered, judgements.get(ids.get(q)), 10);
            ndcg += RetrievalMetrics.ndcgAt(ordered, judgements.get(ids.get(q)), 10);
        }
        return ids.isEmpty() ? new double[2] : new double[] {recall / ids.size(), ndcg / ids.size()};
    }

    /** Trains an ASI++ model on parts 0..{@code upTo} with their train queries (encoder frozen). */
    public IdModel train(BeirDataset dataset, Split split, int upTo, CorpusVectors vectors,
                          Map<String, Integer> vectorRow, NDManager manager, Path directory) throws IOException {
        BeirDataset part = writeSubset(dataset, split, upTo, directory);
        TrainingData data = TrainingData.build(part, part.corpus(), settings.initialTraining(), null);
        EncodedTexts texts = encodeTexts(data);
        CorpusVectors documents = subset(vectors, vectorRow, part.corpus().stream().map(BeirDocument::id).toList());
        log.printf(Locale.ROOT, "training on parts 0..%d: %d documents, %d pairs%n", upTo, documents.size(),
                data.pairs().size());
        AsiTrainer trainer = new AsiTrainer(settings.initialTraining(), log);
        if (settings.decoderShape() != null) {
            trainer.withDecoderShape(settings.decoderShape());
        }
        TrainingResult result = trainer.train(manager, data, texts, documents);
        log.println("trained: validation " + result.validation() + ", statistics " + result.statistics());
        return result.model();
    }

    /** A BEIR directory of parts 0..{@code upTo}: their documents, every query, the train qrels of those parts. */
    private static BeirDataset writeSubset(BeirDataset dataset, Split split, int upTo, Path directory)
            throws IOException {
        Files.createDirectories(directory.resolve(BeirDataset.QRELS_DIR));
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve(BeirDataset.CORPUS_FILE),
                StandardCharsets.UTF_8)) {
            for (BeirDocument document : split.upTo(upTo)) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("_id", document.id());
                line.put("title", document.title());
                line.put("text", document.text());
                out.write(json.writeValueAsString(line));
                out.write('\n');
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve(BeirDataset.QUERIES_FILE),
                StandardCharsets.UTF_8)) {
            for (BeirQuery query : new TreeMap<>(dataset.queries()).values()) {
                out.write(json.writeValueAsString(Map.of("_id", query.id(), "text", query.text())));
                out.write('\n');
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve(BeirDataset.QRELS_DIR)
                .resolve(TrainingData.TRAIN_SPLIT + ".tsv"), StandardCharsets.UTF_8)) {
            out.write("query-id\tcorpus-id\tscore\n");
            for (int part = 0; part <= upTo; part++) {
                for (Map.Entry<String, Map<String, Integer>> query : Split.of(split.trainByPart(), part).entrySet()) {
                    for (Map.Entry<String, Integer> judged : query.getValue().entrySet()) {
                        out.write(query.getKey() + "\t" + judged.getKey() + "\t" + judged.getValue() + "\n");
                    }
                }
            }
        }
        return BeirDataset.load(directory);
    }

    /** Token states of the training texts, from the cache when the same texts were encoded before. */
    private EncodedTexts encodeTexts(TrainingData data) throws IOException {
        int queryTokens = settings.initialTraining().queryTokens();
        int indexTokens = settings.initialTraining().indexTokens();
        String key = settings.encoder().cliName() + "/" + queryTokens + "/" + indexTokens + "/"
                + sha256(data.texts(), data.queryTextCount());
        Path file = settings.cacheDirectory() == null ? null
                : settings.cacheDirectory().resolve("training").resolve(key.replace('/', '-') + ".bin");
        if (file != null) {
            EncodedTexts cached = EncodedTexts.load(file, key);
            if (cached != null && cached.size() == data.texts().size()) {
                log.println("token states from " + file);
                return cached;
            }
        }
        EncodedTexts queries;
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(),
                EncoderOptions.builder().optMaxLength(queryTokens).build())) {
            queries = EncodedTexts.encode(encoder, data.queryTexts(), ProgressReporter.toStderr(
                    "encoding query-side texts", "texts", data.queryTextCount()));
        }
        EncodedTexts index;
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(),
                EncoderOptions.builder().optMaxLength(indexTokens).build())) {
            index = EncodedTexts.encode(encoder, data.indexTexts(), ProgressReporter.toStderr(
                    "encoding indexing texts", "texts", data.indexTexts().size()));
        }
        EncodedTexts all = EncodedTexts.concat(queries, index);
        if (file != null) {
            all.save(file, key);
        }
        return all;
    }

    private TextEncoder queryEncoder() {
        return TextEncoder.load(settings.encoder(), EncoderOptions.builder()
                .optMaxLength(settings.round().queryTokens()).build());
    }

    private static float[] vector(CorpusVectors vectors, Map<String, Integer> row, String docId) {
        Integer index = row.get(docId);
        if (index == null) {
            throw new IllegalArgumentException("document '" + docId + "' has no vector in the corpus vectors given");
        }
        return vectors.vector(index);
    }

    public static CorpusVectors subset(CorpusVectors vectors, Map<String, Integer> row, List<String> docIds) {
        int h = vectors.dimension();
        float[] flat = new float[docIds.size() * h];
        for (int i = 0; i < docIds.size(); i++) {
            System.arraycopy(vector(vectors, row, docIds.get(i)), 0, flat, i * h, h);
        }
        return new CorpusVectors(List.copyOf(docIds), h, flat);
    }

    /** Forgetting and new-document figures per strategy, and their ratio to the reference. */
    public static void summarise(Map<String, Object> report, List<Map<String, Object>> steps, int increments) {
        Map<String, List<Map<String, Object>>> byStrategy = new LinkedHashMap<>();
        for (Map<String, Object> row : steps) {
            byStrategy.computeIfAbsent((String) row.get("strategy"), s -> new ArrayList<>()).add(row);
        }
        Object reference = report.get("reference");
        for (Map.Entry<String, List<Map<String, Object>>> entry : byStrategy.entrySet()) {
            List<Map<String, Object>> rows = entry.getValue();
            Map<String, Object> first = rows.get(0);
            Map<String, Object> last = rows.get(rows.size() - 1);
            if ((int) last.get("step") != increments) {
                continue; // the strategy did not finish
            }
            for (String metric : List.of("recall@10", "ndcg@10")) {
                double forgetting = (double) first.get("initial." + metric) - (double) last.get("initial." + metric);
                double newDocs = 0;
                for (Map<String, Object> row : rows) {
                    int k = (int) row.get("step");
                    if (k > 0) {
                        newDocs += (double) row.get("increment." + k + "." + metric);
                    }
                }
                newDocs /= increments;
                report.put("forgetting." + metric + "." + entry.getKey(), forgetting);
                report.put("new_docs." + metric + "." + entry.getKey(), newDocs);
                if (metric.equals("recall@10") && reference instanceof Map<?, ?> ref
                        && ref.get("new_docs.recall@10") instanceof Double referenceNew && referenceNew > 0) {
                    report.put("new_docs.recall@10_of_reference." + entry.getKey(), newDocs / referenceNew);
                }
            }
            double seconds = 0;
            double encoder = 0;
            for (Map<String, Object> row : rows) {
                if ((int) row.get("step") > 0) {
                    seconds += (double) row.get("round_seconds");
                    encoder += (double) row.get("encoder_seconds");
                }
            }
            report.put("round_seconds.mean." + entry.getKey(), seconds / increments);
            report.put("encoder_share." + entry.getKey(), seconds > 0 ? encoder / seconds : 0.0);
        }
    }

    public Map<String, Object> describeSettings() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encoder", settings.encoder().cliName());
        out.put("initial_share", settings.initialShare());
        out.put("increments", settings.increments());
        out.put("max_documents", settings.maxDocuments());
        out.put("seed", settings.seed());
        out.put("initial_training", settings.initialTraining().toString());
        out.put("decoder_shape", String.valueOf(settings.decoderShape()));
        out.put("round", settings.round().toString());
        out.put("adapter", settings.adapter() == null ? "none (frozen encoder)" : settings.adapter().toMap());
        out.put("strategies", settings.strategies().stream().map(ContinualStrategy::cliName).toList());
        out.put("replay_reservoir", settings.replayReservoir());
        out.put("replay_window", settings.replayWindow());
        out.put("retrieval", settings.retrieval().toString());
        return out;
    }

    private static String sha256(List<String> texts, int split) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Integer.toString(split).getBytes(StandardCharsets.UTF_8));
            for (String text : texts) {
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
