package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.ProcessMemory;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.Bm25Retriever;
import io.dsistream.pipelines.demo.EmbeddedIndexing;
import io.dsistream.pipelines.demo.IngestStats;
import io.dsistream.pipelines.indexing.IndexingTopics;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.WireJson;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * {@code dsi bench query}: query latency of the running job under an open-loop load (queries sent on schedule,
 * never waiting for answers) while documents keep arriving, with Lucene BM25 over the same corpus as the reference.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the job (Kafka broker, MiniCluster, RocksDB), indexes --initial-documents, then for each --qps",
            "level sends the dataset's test queries on schedule for --duration while --docs-per-second documents",
            "keep arriving, and measures send-to-answer latency (p50/p95/p99), achieved qps, answered and partial",
            "answers. BM25 (Lucene) then answers the same queries over the same corpus as the reference.",
            "Example: ./dsi bench query --dataset ../shared/data/scifact --qps 20 --docs-per-second 20 --duration 60"
        })
final class BenchQueryCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "../shared/data/scifact", paramLabel = "DIR",
            description = "BEIR directory: corpus.jsonl is indexed, the --split queries are sent (default: ${DEFAULT-VALUE}).")
    Path dataset;

    @Option(names = "--split", defaultValue = "test", paramLabel = "NAME",
            description = "Queries split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--qps", defaultValue = "20", split = ",", paramLabel = "N[,N...]",
            description = "Queries per second; several levels run one after another (default: ${DEFAULT-VALUE}).")
    List<Double> qps;

    @Option(names = "--docs-per-second", defaultValue = "20", paramLabel = "M",
            description = "Documents per second arriving during each level; 0: queries only (default: "
                    + "${DEFAULT-VALUE}).")
    double docsPerSecond;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Checkpoint interval, as an ISO-8601 duration (default: ${DEFAULT-VALUE}, the job's).")
    Duration checkpointInterval;

    @Option(names = "--duration", defaultValue = "60", paramLabel = "S",
            description = "Seconds of load per level (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--initial-documents", defaultValue = "2000", paramLabel = "N",
            description = "Documents indexed before the load starts (default: ${DEFAULT-VALUE}).")
    int initialDocuments;

    @Option(names = "--k", defaultValue = "10", paramLabel = "K", description = "Results per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "Serve this bundle (e.g. from dsi train) instead of the registry's newest version.")
    Path bundle;

    @Option(names = "--exactly-once",
            description = "Transactional output: answers become visible at checkpoints, which dominates latency.")
    boolean exactlyOnce;

    @Option(names = "--work-dir", defaultValue = ".dsi/bench", paramLabel = "DIR",
            description = "Broker, RocksDB and checkpoint files go under it (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--registry", defaultValue = ".dsi/registry", paramLabel = "DIR",
            description = "Model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as JSON.")
    Path out;

    @Option(names = "--job-option", paramLabel = "KEY=VALUE",
            description = "A job option (IndexingJobOptions), e.g. --job-option dsi.query.priority=overlap; repeatable.")
    Map<String, String> jobOptionOverrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!(docsPerSecond >= 0) || Double.isInfinite(docsPerSecond)) {
            throw new IllegalArgumentException("--docs-per-second must be 0 or more, got " + docsPerSecond);
        }
        for (double rate : qps) {
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("--qps levels must be above 0, got " + rate);
            }
        }
        System.err.printf("dsi bench query --dataset %s --qps %s --docs-per-second %s --duration %d "
                        + "--initial-documents %d --k %d --checkpoint-interval %s%s%s%s%n", dataset, qps, docsPerSecond,
                duration, initialDocuments, k, checkpointInterval, bundle == null ? "" : " --bundle " + bundle,
                exactlyOnce ? " --exactly-once" : "",
                jobOptionOverrides.entrySet().stream().map(e -> " --job-option " + e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining()));
        BeirDataset beir = BeirDataset.load(dataset);
        List<BeirDocument> corpus = beir.corpus();
        List<BeirQuery> queries = beir.queries(split);
        String modelName = dataset.toAbsolutePath().normalize().getFileName().toString();
        Configuration jobOptions = new Configuration();
        jobOptions.setString("dsi.indexing.health.interval", "5 s");
        jobOptionOverrides.forEach(jobOptions::setString);
        EmbeddedIndexing.Settings settings = new EmbeddedIndexing.Settings(
                workDir.resolve("query-" + Instant.now().toString().replace(':', '-')), registry, modelName, 1,
                checkpointInterval, exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE,
                256, jobOptions, bundle);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("docs_per_second", docsPerSecond);
        json.put("checkpoint_interval_ms", checkpointInterval.toMillis());
        json.put("duration_s", duration);
        json.put("delivery", settings.guarantee().toString());
        json.put("job_options", jobOptionOverrides);
        List<Map<String, Object>> levels = new ArrayList<>();
        int initial = Math.min(initialDocuments, corpus.size());
        AtomicInteger nextDocument = new AtomicInteger(initial);
        try (EmbeddedIndexing job = EmbeddedIndexing.start(settings, corpus.subList(0, Math.min(256, corpus.size())),
                corpus.size(), System.err);
             AnswerTimes answers = new AnswerTimes(job.bootstrapServers())) {
            json.put("model_version", job.modelVersion());
            json.put("web_ui", job.webUi());
            long t0 = System.nanoTime();
            job.stream(corpus.subList(0, initial), 0, () -> false, () -> { });
            job.awaitIndexed(initial, Duration.ofMinutes(30), () -> false, () -> System.err.printf(
                    "\rinitial documents: %d/%d indexed   ", job.stats().indexed(), initial));
            System.err.printf("%n%d initial documents indexed in %.1f s%n", initial, (System.nanoTime() - t0) / 1e9);
            for (int level = 0; level < qps.size(); level++) {
                levels.add(runLevel(job, answers, corpus, queries, nextDocument, level, qps.get(level)));
            }
            json.put("documents_indexed", job.stats().indexed());
        }
        // The reference: BM25 over the same corpus (what was indexed by the end), the same queries, one at a time.
        List<BeirDocument> indexed = corpus.subList(0, Math.min(corpus.size(), nextDocument.get()));
        long[] bm25 = bm25Latencies(indexed, queries);
        json.putAll(levels.get(0));
        json.put("bm25_p50_ms", percentile(bm25, 0.50) / 1e6);
        json.put("bm25_p99_ms", percentile(bm25, 0.99) / 1e6);
        double best = 0;
        for (Map<String, Object> level : levels) {
            if (((Number) level.get("p99_ms")).doubleValue() <= 100 && (Integer) level.get("partial") == 0) {
                best = Math.max(best, (Double) level.get("qps"));
            }
        }
        json.put("max_qps_with_p99_under_100ms", best);
        json.put("levels", levels);
        json.put("peak_rss_bytes", ProcessMemory.peakResidentBytes().orElse(-1));
        System.out.printf("%n%-8s %-9s %8s %8s %8s %8s %8s %8s %10s %9s %8s%n", "qps", "achieved", "p50 ms", "p95 ms",
                "p99 ms", "answered", "partial", "in-job99", "rss MB", "indexed/s", "backlog");
        for (Map<String, Object> level : levels) {
            System.out.printf("%-8.0f %-9.1f %8.1f %8.1f %8.1f %8d %8d %8d %10.0f %9.1f %8d%n", level.get("qps"),
                    level.get("achieved_qps"), level.get("p50_ms"), level.get("p95_ms"), level.get("p99_ms"),
                    level.get("answered"), level.get("partial"), level.get("in_job_p99_ms"),
                    ((Number) level.get("rss_bytes")).doubleValue() / 1e6, level.get("indexed_docs_per_second"),
                    level.get("document_backlog"));
        }
        System.out.printf("BM25 (Lucene, same corpus and queries, one thread): p50 %.2f ms, p99 %.2f ms%n",
                json.get("bm25_p50_ms"), json.get("bm25_p99_ms"));
        System.out.printf("highest qps with p99 <= 100 ms: %s%n", best == 0 ? "none of the levels" : best);
        if (out != null) {
            EvalCommand.writeJson(out, json);
        }
        return 0;
    }

    private Map<String, Object> runLevel(EmbeddedIndexing job, AnswerTimes answers, List<BeirDocument> corpus,
                                         List<BeirQuery> queries, AtomicInteger nextDocument, int level, double rate)
            throws InterruptedException {
        System.err.printf("level %d: %.0f queries/s with %.0f documents/s for %d s%n", level, rate, docsPerSecond,
                duration);
        AtomicBoolean stop = new AtomicBoolean();
        Thread documents = new Thread(() -> {
            long start = System.nanoTime();
            int sent = 0;
            while (!stop.get() && nextDocument.get() < corpus.size()) {
                long wait = start + (long) (sent * 1e9 / docsPerSecond) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                BeirDocument d = corpus.get(nextDocument.getAndIncrement());
                job.stream(List.of(d), 0, stop::get, () -> { });
                sent++;
            }
        }, "bench-documents");
        int indexedAtStart = job.stats().indexed();
        if (docsPerSecond > 0) {
            documents.start();
        }
        List<String> sentIds = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        for (int n = 0; ; n++) {
            long due = start + (long) (n * 1e9 / rate);
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            BeirQuery query = queries.get(n % queries.size());
            String id = "l" + level + "-" + n + "-" + query.id();
            answers.sent(id);
            job.sendQuery(id, query.text(), k);
            sentIds.add(id);
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        // Whether indexing kept up: documents indexed during the level, and those sent but not indexed at its end.
        int indexedAtEnd = job.stats().indexed();
        int backlog = Math.max(0, nextDocument.get() - indexedAtEnd);
        job.flushQueries();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.answeredOf(sentIds) < sentIds.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        stop.set(true);
        documents.join();
        long[] latencies = answers.latenciesOf(sentIds);
        long[] inJob = answers.inJobOf(sentIds);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("qps", rate);
        figures.put("sent", sentIds.size());
        figures.put("achieved_qps", sentIds.size() / sendSeconds);
        figures.put("answered", latencies.length);
        figures.put("partial", answers.partialOf(sentIds));
        figures.put("p50_ms", percentile(latencies, 0.50) / 1e6);
        figures.put("p95_ms", percentile(latencies, 0.95) / 1e6);
        figures.put("p99_ms", percentile(latencies, 0.99) / 1e6);
        figures.put("in_job_p50_ms", percentile(inJob, 0.50));
        figures.put("in_job_p99_ms", percentile(inJob, 0.99));
        figures.put("rss_bytes", ProcessMemory.residentBytes().orElse(-1));
        figures.put("indexed_docs_per_second", (indexedAtEnd - indexedAtStart) / sendSeconds);
        figures.put("document_backlog", backlog);
        System.err.printf("level %d: sent %d, answered %d (partial %s); send-to-answer p50 %.1f ms, p99 %.1f ms; "
                        + "%.1f documents/s indexed, %d sent and not yet indexed at the end%n",
                level, sentIds.size(), latencies.length, figures.get("partial"), figures.get("p50_ms"),
                figures.get("p99_ms"), figures.get("indexed_docs_per_second"), backlog);
        return figures;
    }

    private static long[] bm25Latencies(List<BeirDocument> corpus, List<BeirQuery> queries) throws IOException {
        try (Bm25Retriever bm25 = new Bm25Retriever(corpus)) {
            for (BeirQuery query : queries.subList(0, Math.min(20, queries.size()))) {
                bm25.search(query.text(), 10); // warm-up
            }
            long[] nanos = new long[queries.size()];
            for (int i = 0; i < queries.size(); i++) {
                long t = System.nanoTime();
                bm25.search(queries.get(i).text(), 10);
                nanos[i] = System.nanoTime() - t;
            }
            return nanos;
        }
    }

    private static long percentile(long[] values, double q) {
        return Math.max(0, IngestStats.percentile(Arrays.stream(values).boxed().toList(), q));
    }

    /**
     * Send and answer times: its own consumer of {@code enriched-queries} (read_uncommitted, 5 ms polls) on its own
     * thread, so the time an answer is read is not delayed by the demo's other consumers.
     */
    static final class AnswerTimes implements AutoCloseable {
        private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        private final Map<String, Long> latencyNanos = new ConcurrentHashMap<>();
        private final Map<String, Long> inJobMillis = new ConcurrentHashMap<>();
        private final Map<String, Boolean> partial = new ConcurrentHashMap<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Thread thread;

        AnswerTimes(String bootstrapServers) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(IndexingTopics.ENRICHED_QUERIES));
            thread = new Thread(() -> {
                try (consumer) {
                    while (!closed.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                            long now = System.nanoTime();
                            try {
                                EnrichedQueryRecord answer = WireJson.fromBytes(r.value(), EnrichedQueryRecord.class);
                                Long sent = sentNanos.get(answer.queryId);
                                if (sent != null && latencyNanos.putIfAbsent(answer.queryId, now - sent) == null) {
                                    inJobMillis.put(answer.queryId, answer.latencyMs);
                                    partial.put(answer.queryId, answer.partial);
                                }
                            } catch (IOException e) {
                                System.err.println("unreadable answer: " + e.getMessage());
                            }
                        }
                    }
                }
            }, "bench-answers");
            thread.setDaemon(true);
            thread.start();
        }

        void sent(String id) {
            sentNanos.put(id, System.nanoTime());
        }

        int answeredOf(List<String> ids) {
            int n = 0;
            for (String id : ids) {
                if (latencyNanos.containsKey(id)) {
                    n++;
                }
            }
            return n;
        }

        long[] latenciesOf(List<String> ids) {
            return ids.stream().map(latencyNanos::get).filter(v -> v != null).mapToLong(Long::longValue).toArray();
        }

        long[] inJobOf(List<String> ids) {
            return ids.stream().map(inJobMillis::get).filter(v -> v != null).mapToLong(Long::longValue).toArray();
        }

        int partialOf(List<String> ids) {
            return (int) ids.stream().filter(id -> Boolean.TRUE.equals(partial.get(id))).count();
        }

        @Override
        public void close() throws InterruptedException {
            closed.set(true);
            thread.join(5000);
        }
    }
}
