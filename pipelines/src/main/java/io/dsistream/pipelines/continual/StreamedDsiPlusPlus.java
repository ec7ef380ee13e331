package io.dsistream.pipelines.continual;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.continual.ContinualStrategy;
import io.dsistream.models.continual.DsiPlusPlusProtocol;
import io.dsistream.models.continual.FeedbackPair;
import io.dsistream.models.continual.ProtocolSettings;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.PlannedLeafRetriever;
import io.dsistream.models.retrieval.QueryPlanner;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.demo.EmbeddedIndexing;
import io.dsistream.pipelines.demo.QueryAnswers;
import io.dsistream.pipelines.indexing.IndexingJobOptions;
import io.dsistream.pipelines.indexing.IndexingSettings;
import io.dsistream.pipelines.indexing.TrainerJobOptions;
import io.dsistream.schemas.EnrichedQueryRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The DSI++ protocol streamed through the job (issue 7): the split and the initial model as
 * {@link DsiPlusPlusProtocol} makes them; per strategy a fresh job (real broker, MiniCluster, RocksDB) serves the
 * initial model as version 1 of a fresh registry, indexes the initial part (the trainer's warm-up: it only fills
 * the replay buffer) and sends the initial part's train queries to {@code feedback} (the history that replay keeps
 * training on with the old documents it replays), then takes each increment: its train queries go to the
 * {@code feedback} topic, its documents to {@code documents}; the increment's documents trigger one trainer round
 * ({@code dsi.train.trigger.documents} = the increment size), whose model the gate publishes or not; once the job
 * serves the round's outcome, the test queries of the initial part and of every increment so far are sent through
 * the {@code queries} topic and their answers scored. Strategy {@code none} runs the job without the trainer (new
 * documents only get quantizer IDs).
 * The whole-corpus reference is trained offline and measured the job's way ({@link PlannedLeafRetriever}).
 */
public final class StreamedDsiPlusPlus {

    private static final String MODEL = "dsipp";
    private static final int K = 10;

    /** The job-side settings of a streamed run. */
    public record Options(Path workDirectory, int parallelism, String adapter, double gateMargin,
                          Duration roundTimeout) {
    }

    private final ProtocolSettings settings;
    private final Options options;
    private final PrintStream log;

    public StreamedDsiPlusPlus(ProtocolSettings settings, Options options, PrintStream log) {
        this.settings = settings;
        this.options = options;
        this.log = log;
    }

    /** Runs the protocol; {@code after} hears the report after every measured step. */
    public Map<String, Object> run(BeirDataset dataset, CorpusVectors vectors, Consumer<Map<String, Object>> after)
            throws Exception {
        long started = System.nanoTime();
        DsiPlusPlusProtocol protocol = new DsiPlusPlusProtocol(settings, log);
        DsiPlusPlusProtocol.Split split = DsiPlusPlusProtocol.split(dataset, settings.initialShare(),
                settings.increments(), settings.maxDocuments(), settings.seed());
        int increments = split.parts() - 1;
        Map<String, Integer> vectorRow = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            vectorRow.put(vectors.docIds().get(i), i);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> described = protocol.describeSettings();
        described.put("streamed", true);
        described.put("parallelism", options.parallelism());
        described.put("gate_margin", options.gateMargin());
        report.put("settings", described);
        List<Integer> documentsPerPart = new ArrayList<>();
        for (int p = 0; p < split.parts(); p++) {
            documentsPerPart.add(split.part(p).size());
        }
        report.put("split", Map.of("documents", split.documents().size(), "documents_per_part", documentsPerPart));
        List<Map<String, Object>> steps = new ArrayList<>();
        report.put("steps", steps);
        Map<String, BeirQuery> queries = dataset.queries();
        report.put("corpus_growth", protocol.corpusGrowth(split, vectors, vectorRow, queries));
        try (NDManager manager = NDManager.newBaseManager()) {
            long initialStarted = System.nanoTime();
            try (IdModel initial = protocol.train(dataset, split, 0, vectors, vectorRow, manager,
                    options.workDirectory().resolve("initial"))) {
                report.put("initial_training_seconds", (System.nanoTime() - initialStarted) / 1e9);
                for (ContinualStrategy strategy : settings.strategies()) {
                    runStrategy(strategy, initial, split, queries, steps, report, after);
                    DsiPlusPlusProtocol.summarise(report, steps, increments);
                    after.accept(report);
                }
            }
            if (settings.reference()) {
                long referenceStarted = System.nanoTime();
                try (IdModel reference = protocol.train(dataset, split, increments, vectors, vectorRow, manager,
                        options.workDirectory().resolve("reference"))) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("training_seconds", (System.nanoTime() - referenceStarted) / 1e9);
                    measureOffline(row, reference, split, increments, vectors, vectorRow, queries);
                    double sum = 0;
                    for (int k = 1; k <= increments; k++) {
                        sum += (double) row.get("increment." + k + ".recall@10");
                    }
                    row.put("new_docs.recall@10", sum / increments);
                    report.put("reference", row);
                    log.println("reference (whole corpus at once, measured the job's way): " + row);
                }
            }
        }
        DsiPlusPlusProtocol.summarise(report, steps, increments);
        report.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        after.accept(report);
        return report;
    }

    private void runStrategy(ContinualStrategy strategy, IdModel initial, DsiPlusPlusProtocol.Split split,
                             Map<String, BeirQuery> queries, List<Map<String, Object>> steps,
                             Map<String, Object> report, Consumer<Map<String, Object>> after) throws Exception {
        Path directory = options.workDirectory().resolve(strategy.cliName());
        Path registry = directory.resolve("registry");
        new ModelRegistry(registry).publish(MODEL, initial, settings.encoder(), EncoderOptions.DEFAULT_MAX_LENGTH,
                null, null, Map.of("protocol", "DSI++ initial model"), Map.of(), Map.of(), null);
        boolean training = strategy != ContinualStrategy.NONE;
        int increments = split.parts() - 1;
        int smallestIncrement = Integer.MAX_VALUE;
        int largestIncrement = 0;
        for (int k = 1; k <= increments; k++) {
            smallestIncrement = Math.min(smallestIncrement, split.part(k).size());
            largestIncrement = Math.max(largestIncrement, split.part(k).size());
        }
        Configuration job = new Configuration();
        job.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(30));
        job.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(30));
        job.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        job.set(IndexingJobOptions.HEALTH_INTERVAL, Duration.ofSeconds(5));
        if (training) {
            job.set(TrainerJobOptions.ENABLED, true);
            job.set(TrainerJobOptions.STRATEGY, strategy.cliName());
            job.set(TrainerJobOptions.WARM_UP_DOCUMENTS, (long) split.part(0).size());
            job.set(TrainerJobOptions.EVERY_DOCUMENTS, (long) smallestIncrement);
            job.set(TrainerJobOptions.EVERY, Duration.ZERO);
            job.set(TrainerJobOptions.ON_BALANCE_ALERT, false);
            job.set(TrainerJobOptions.MAX_ROUND_DOCUMENTS, largestIncrement);
            job.set(TrainerJobOptions.ADAPTER, options.adapter());
            job.set(TrainerJobOptions.EPOCHS, settings.round().epochs());
            job.set(TrainerJobOptions.BATCH_SIZE, settings.round().batchSize());
            job.set(TrainerJobOptions.LEARNING_RATE, settings.round().learningRate());
            job.set(TrainerJobOptions.ADAPTER_LEARNING_RATE, settings.round().adapterLearningRate());
            job.set(TrainerJobOptions.QUANTIZER_LEARNING_RATE, settings.round().quantizerLearningRate());
            job.set(TrainerJobOptions.REPLAY_RATIO, settings.round().replayRatio());
            job.set(TrainerJobOptions.DISTILLATION_WEIGHT, settings.round().distillationWeight());
            job.set(TrainerJobOptions.REPLAY_RESERVOIR, settings.replayReservoir());
            job.set(TrainerJobOptions.REPLAY_WINDOW, settings.replayWindow());
            job.set(TrainerJobOptions.GATE_MARGIN, options.gateMargin());
            job.set(TrainerJobOptions.SEED, settings.seed());
        }
        EmbeddedIndexing.Settings run = new EmbeddedIndexing.Settings(directory.resolve("run"), registry, MODEL,
                options.parallelism(), Duration.ofSeconds(2), DeliveryGuarantee.EXACTLY_ONCE,
                EncoderOptions.DEFAULT_MAX_LENGTH, job, null);
        try (EmbeddedIndexing indexing = EmbeddedIndexing.start(run, List.of(), split.documents().size(), log)) {
            FlinkRestClient rest = new FlinkRestClient(indexing.webUi());
            String jobId = indexing.job().getJobID().toString();
            int indexed = index(indexing, split.part(0), 0, strategy);
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("strategy", strategy.cliName());
            first.put("step", 0);
            first.put("model_version", MODEL + "/v1");
            measure(first, indexing, split, 0, queries, strategy);
            steps.add(first);
            log.println("  " + first);
            after.accept(report);
            if (training) {
                // the initial part's judgements are the feedback history the trainer replays with old documents
                List<FeedbackPair> history = DsiPlusPlusProtocol.feedback(split, 0, queries);
                indexing.sendFeedback(history);
                first.put("feedback_pairs", history.size());
            }
            int servedVersion = 1;
            for (int k = 1; k <= increments; k++) {
                List<FeedbackPair> feedback = DsiPlusPlusProtocol.feedback(split, k, queries);
                indexing.sendFeedback(feedback);
                long roundsBefore = finishedRounds(rest, jobId);
                indexed += index(indexing, split.part(k), indexed, strategy);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strategy", strategy.cliName());
                row.put("step", k);
                row.put("feedback_pairs", feedback.size());
                if (training) {
                    long roundStarted = System.nanoTime();
                    awaitMetric(rest, jobId, () -> finishedRounds(rest, jobId) > roundsBefore,
                            "the round of increment " + k);
                    row.put("round_wall_seconds", (System.nanoTime() - roundStarted) / 1e9);
                    double seconds = number(rest, jobId, "lastRoundSeconds");
                    double share = number(rest, jobId, "lastRoundEncoderShare");
                    row.put("round_seconds", seconds);
                    row.put("encoder_seconds", seconds * share);
                    row.put("encoder_share", share);
                    row.put("gate.current", number(rest, jobId, "gateCurrentScore"));
                    row.put("gate.candidate", number(rest, jobId, "gateCandidateScore"));
                    row.put("drift", number(rest, jobId, "idDrift"));
                    int version = (int) number(rest, jobId, "trainerServingVersion");
                    row.put("published", version > servedVersion);
                    row.put("rounds_failed", number(rest, jobId, "roundsFailed"));
                    if (version > servedVersion) {
                        awaitServing(indexing, version, k);
                        servedVersion = version;
                    }
                } else {
                    row.put("round_seconds", 0.0);
                    row.put("encoder_seconds", 0.0);
                }
                row.put("model_version", MODEL + "/v" + servedVersion);
                measure(row, indexing, split, k, queries, strategy);
                steps.add(row);
                log.println("  " + row);
                after.accept(report);
            }
        }
    }

    /** Streams documents and waits until the job has indexed them; returns how many were sent. */
    private int index(EmbeddedIndexing indexing, List<BeirDocument> documents, int before,
                      ContinualStrategy strategy) throws InterruptedException {
        long started = System.nanoTime();
        int sent = indexing.stream(documents, 0, () -> false, () -> { });
        if (!indexing.awaitIndexed(before + sent, Duration.ofMinutes(60), () -> false, () -> { })) {
            throw new IllegalStateException("the job did not index " + (before + sent) + " documents within an hour");
        }
        log.printf(Locale.ROOT, "  %s: %d documents indexed in %.0f s%n", strategy.cliName(), sent,
                (System.nanoTime() - started) / 1e9);
        return sent;
    }

    /** Sends probe queries until one is answered by {@code version}. */
    private void awaitServing(EmbeddedIndexing indexing, int version, int step) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        String wanted = MODEL + "/v" + version;
        for (int probe = 0; System.nanoTime() < deadline; probe++) {
            String id = "probe-" + step + "-" + probe;
            indexing.sendQuery(id, "probe", 1);
            indexing.flushQueries();
            long answerDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            EnrichedQueryRecord answer;
            while ((answer = indexing.answers().answer(id)) == null && System.nanoTime() < answerDeadline) {
                Thread.sleep(200);
            }
            if (answer != null && wanted.equals(answer.modelVersion)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the job did not serve " + wanted + " within 10 minutes");
    }

    /** Sends the test queries of parts 0..{@code upTo} through the job and scores their answers. */
    private void measure(Map<String, Object> row, EmbeddedIndexing indexing, DsiPlusPlusProtocol.Split split,
                         int upTo, Map<String, BeirQuery> queries, ContinualStrategy strategy)
            throws InterruptedException {
        long started = System.nanoTime();
        String prefix = strategy.cliName() + "-" + upTo + "-";
        int sent = 0;
        for (int part = 0; part <= upTo; part++) {
            for (String id : DsiPlusPlusProtocol.Split.of(split.testByPart(), part).keySet()) {
                indexing.sendQuery(prefix + id, queries.get(id).text(), K);
                sent++;
            }
        }
        indexing.flushQueries();
        QueryAnswers answers = indexing.answers();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline && !allAnswered(answers, split, upTo, prefix)) {
            Thread.sleep(250);
        }
        if (!allAnswered(answers, split, upTo, prefix)) {
            throw new IllegalStateException("not every test query was answered within 30 minutes");
        }
        Map<String, Ranking> rankings = answers.rankings();
        for (int part = 0; part <= upTo; part++) {
            Map<String, Map<String, Integer>> group = DsiPlusPlusProtocol.Split.of(split.testByPart(), part);
            Map<String, Ranking> byQuery = new LinkedHashMap<>();
            group.keySet().forEach(id -> byQuery.put(id, rankings.get(prefix + id)));
            putScores(row, part, group, byQuery);
        }
        row.put("eval_queries", sent);
        row.put("eval_seconds", (System.nanoTime() - started) / 1e9);
    }

    private static boolean allAnswered(QueryAnswers answers, DsiPlusPlusProtocol.Split split, int upTo,
                                       String prefix) {
        for (int part = 0; part <= upTo; part++) {
            for (String id : DsiPlusPlusProtocol.Split.of(split.testByPart(), part).keySet()) {
                if (answers.answer(prefix + id) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The reference measured as the job retrieves: planner (base encoder, its quantizer and decoder) over its trie. */
    private void measureOffline(Map<String, Object> row, IdModel model, DsiPlusPlusProtocol.Split split, int upTo,
                                CorpusVectors vectors, Map<String, Integer> vectorRow,
                                Map<String, BeirQuery> queries) {
        StreamingRetrievalOptions retrieval = IndexingSettings.defaults().queries().retrieval();
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(),
                EncoderOptions.builder().optMaxLength(EncoderOptions.DEFAULT_MAX_LENGTH).build())) {
            CorpusVectors indexed = DsiPlusPlusProtocol.subset(vectors, vectorRow,
                    new ArrayList<>(model.assignments().keySet()));
            PlannedLeafRetriever retriever = new PlannedLeafRetriever(new QueryPlanner(encoder, model.quantizer(),
                    model.decoder(), retrieval), model.trie(), indexed, IndexingSettings.defaults().keyPrefixLength());
            for (int part = 0; part <= upTo; part++) {
                Map<String, Map<String, Integer>> group = DsiPlusPlusProtocol.Split.of(split.testByPart(), part);
                List<String> ids = new ArrayList<>(group.keySet());
                List<Ranking> rankings = retriever.searchAll(ids.stream().map(id -> queries.get(id).text()).toList(),
                        K);
                Map<String, Ranking> byQuery = new LinkedHashMap<>();
                for (int q = 0; q < ids.size(); q++) {
                    byQuery.put(ids.get(q), rankings.get(q));
                }
                putScores(row, part, group, byQuery);
            }
        }
    }

    /** Mean Recall@10 and nDCG@10 of one part's test queries, under {@code initial.} or {@code increment.<k>.}. */
    private static void putScores(Map<String, Object> row, int part, Map<String, Map<String, Integer>> group,
                                  Map<String, Ranking> rankings) {
        List<String> ids = new ArrayList<>(group.keySet());
        double[] scores = DsiPlusPlusProtocol.meanRecallAndNdcgAt10(ids, ids.stream().map(rankings::get).toList(),
                group);
        String key = part == 0 ? "initial." : "increment." + part + ".";
        row.put(key + "recall@10", scores[0]);
        row.put(key + "ndcg@10", scores[1]);
        row.put(key + "queries", group.size());
    }

    /** Rounds the trainer has finished: published, rejected or failed. */
    private static long finishedRounds(FlinkRestClient rest, String jobId) {
        return (long) (number(rest, jobId, "roundsPublished") + number(rest, jobId, "roundsRejected")
                + number(rest, jobId, "roundsFailed"));
    }

    private static double number(FlinkRestClient rest, String jobId, String metric) {
        try {
            String value = rest.operatorMetric(jobId, "trainer", metric);
            return value == null ? 0 : Double.parseDouble(value);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void awaitMetric(FlinkRestClient rest, String jobId, BooleanSupplier condition,
                             String what) throws InterruptedException {
        long deadline = System.nanoTime() + options.roundTimeout().toNanos();
        long lastLine = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            if (System.nanoTime() - lastLine > 30_000_000_000L) {
                lastLine = System.nanoTime();
                log.printf(Locale.ROOT, "  waiting for %s: round running %s%n", what,
                        number(rest, jobId, "roundRunning") > 0 ? "yes" : "no");
            }
            Thread.sleep(500);
        }
    }
}
