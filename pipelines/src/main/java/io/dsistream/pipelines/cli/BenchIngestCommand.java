package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.EncoderBenchmark;
import io.dsistream.models.encoder.EncoderBenchmarkResult;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.ProcessMemory;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dsi bench ingest}: the indexing job's throughput against the encoder's own limit, measured in one run, then
 * its latency at half that rate, at-least-once and exactly-once.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "1. raw encoder throughput (batch = the job's batch), 2. the whole job's end-to-end throughput on the",
            "corpus (Kafka -> Flink/RocksDB -> Kafka, at-least-once, as fast as it goes), 3. time from Kafka append",
            "to assignment at half the raw rate, at-least-once and exactly-once (p50/p99), peak memory and RocksDB",
            "state per document. Example: ./dsi bench ingest --dataset ../shared/data/scifact"
        })
final class BenchIngestCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "../shared/data/scifact", paramLabel = "DIR",
            description = "BEIR directory whose corpus.jsonl is indexed (default: ${DEFAULT-VALUE}).")
    Path dataset;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Documents of the throughput phase; 0: the whole corpus (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--latency-documents", defaultValue = "300", paramLabel = "N",
            description = "Documents sent at half rate in each latency phase (default: ${DEFAULT-VALUE}).")
    int latencyDocuments;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "TOKENS",
            description = "Encoder max length (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Documents per encoder pass, in the raw measurement and in the job (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--encoder-documents", defaultValue = "256", paramLabel = "N",
            description = "Documents of the raw encoder measurement (default: ${DEFAULT-VALUE}).")
    int encoderDocuments;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--work-dir", defaultValue = ".dsi/bench", paramLabel = "DIR",
            description = "Broker, RocksDB and checkpoint files go under it (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--registry", defaultValue = ".dsi/registry", paramLabel = "DIR",
            description = "Model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as JSON.")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.err.printf("dsi bench ingest --dataset %s --limit %d --latency-documents %d --max-length %d "
                        + "--batch-size %d --encoder-documents %d --checkpoint-interval %s%n", dataset, limit,
                latencyDocuments, maxLength, batchSize, encoderDocuments, checkpointInterval);
        List<BeirDocument> corpus = BeirDataset.load(dataset).corpus();
        List<BeirDocument> throughputDocs = limit > 0 && limit < corpus.size() ? corpus.subList(0, limit) : corpus;
        String modelName = dataset.toAbsolutePath().normalize().getFileName().toString();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpus", Runtime.getRuntime().availableProcessors());

        // 1. The encoder alone, on the same texts, in this JVM.
        double raw;
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM,
                EncoderOptions.builder().optMaxLength(maxLength).optBatchSize(batchSize).build())) {
            List<String> texts = throughputDocs.stream().map(BeirDocument::flatText).toList();
            List<EncoderBenchmarkResult> results = EncoderBenchmark.builder().optBatchSizes(batchSize)
                    .optDocumentsPerSize(Math.min(encoderDocuments, texts.size()))
                    .optTimeBudgetPerSize(Duration.ofSeconds(120)).build().run(encoder, texts);
            raw = results.get(0).documentsPerSecond();
        }
        System.err.printf("raw encoder: %.1f docs/s (MiniLM-L6, batch %d, max length %d)%n", raw, batchSize, maxLength);
        json.put("raw_encoder_docs_per_second", raw);

        // 2. + 3a. At-least-once job: throughput as fast as it goes, then latency at half the raw rate.
        Map<String, Object> alo = runJob(DeliveryGuarantee.AT_LEAST_ONCE, throughputDocs, corpus, raw / 2, modelName,
                true);
        json.put("job_docs_per_second", alo.get("job_docs_per_second"));
        json.put("job_over_raw", (Double) alo.get("job_docs_per_second") / raw);
        json.put("at_least_once", alo);
        // 3b. Exactly-once job: latency at half the raw rate (bound by the checkpoint interval).
        Map<String, Object> eo = runJob(DeliveryGuarantee.EXACTLY_ONCE, List.of(), corpus, raw / 2, modelName, false);
        json.put("exactly_once", eo);
        json.put("peak_rss_bytes", ProcessMemory.peakResidentBytes().orElse(-1));

        System.out.printf("%nraw encoder            %8.1f docs/s%n", raw);
        System.out.printf("job end-to-end         %8.1f docs/s  (%.0f%% of raw)%n", (Double) alo.get("job_docs_per_second"),
                100 * (Double) json.get("job_over_raw"));
        System.out.printf("latency at %.1f docs/s   at-least-once p50 %s ms p99 %s ms (emitted); exactly-once p50 %s ms "
                        + "p99 %s ms (visible to read_committed)%n", raw / 2, alo.get("emitted_ms_p50"),
                alo.get("emitted_ms_p99"), eo.get("visible_ms_p50"), eo.get("visible_ms_p99"));
        System.out.printf("peak RSS of this JVM   %8.0f MB (broker JVM not included)%n",
                ((Number) json.get("peak_rss_bytes")).doubleValue() / 1e6);
        System.out.printf("RocksDB state          %8.0f bytes/document (working dir), %.0f bytes/document (checkpoints)%n",
                alo.get("rocksdb_bytes_per_document"), alo.get("checkpoint_bytes_per_document"));
        if (out != null) {
            EvalCommand.writeJson(out, json);
        }
        return 0;
    }

    private Map<String, Object> runJob(DeliveryGuarantee guarantee, List<BeirDocument> throughputDocs,
                                       List<BeirDocument> corpus, double latencyRate, String modelName,
                                       boolean reportState) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        Path runDir = workDir.resolve("run-" + Instant.now().toString().replace(':', '-'));
        Configuration jobOptions = new Configuration();
        jobOptions.setString("dsi.indexing.encode.batch-size", Integer.toString(batchSize));
        EmbeddedIndexing.Settings settings = new EmbeddedIndexing.Settings(runDir, registry, modelName, 1,
                checkpointInterval, guarantee, maxLength, jobOptions, null);
        try (EmbeddedIndexing indexing = EmbeddedIndexing.start(settings, corpus.subList(0, Math.min(256, corpus.size())),
                corpus.size(), System.err)) {
            Runnable quiet = () -> {
            };
            if (!throughputDocs.isEmpty()) {
                long startMillis = System.currentTimeMillis();
                indexing.stream(throughputDocs, 0, () -> false, quiet);
                indexing.awaitIndexed(throughputDocs.size(), Duration.ofHours(2), () -> false,
                        () -> System.err.printf("\rthroughput phase: indexed %d/%d   ", indexing.stats().indexed(),
                                throughputDocs.size()));
                IngestStats stats = indexing.stats();
                double seconds = (stats.lastIndexedAt() - startMillis) / 1e3;
                json.put("documents", throughputDocs.size());
                json.put("indexed", stats.indexed());
                json.put("job_seconds", seconds);
                json.put("job_docs_per_second", stats.indexed() / seconds);
                System.err.printf("%njob end-to-end: %d documents in %.1f s = %.1f docs/s (%s)%n", stats.indexed(),
                        seconds, stats.indexed() / seconds, guarantee);
                if (reportState) {
                    Thread.sleep(checkpointInterval.toMillis() * 2);
                    json.put("rocksdb_bytes_per_document", (double) indexing.stateBytes("rocksdb") / stats.indexed());
                    json.put("checkpoint_bytes_per_document",
                            (double) indexing.stateBytes("checkpoints") / stats.indexed());
                }
            }
            // Latency phase: fresh ids, so every document is a new upsert; paced at half the raw rate.
            int before = indexing.stats().indexed();
            List<BeirDocument> latencyDocs = new ArrayList<>();
            for (BeirDocument d : corpus.subList(0, Math.min(latencyDocuments, corpus.size()))) {
                latencyDocs.add(new BeirDocument(d.id() + "#latency", d.title(), d.text()));
            }
            IngestStats stats = indexing.stats();
            indexing.stream(latencyDocs, latencyRate, () -> false, quiet);
            indexing.awaitIndexed(before + latencyDocs.size(), Duration.ofMinutes(30), () -> false, () ->
                    System.err.printf("\rlatency phase (%s, %.1f docs/s): indexed %d/%d   ", guarantee, latencyRate,
                            indexing.stats().indexed() - before, latencyDocs.size()));
            System.err.println();
            json.put("latency_rate_docs_per_second", latencyRate);
            json.put("latency_documents", latencyDocs.size());
            json.put("emitted_ms_p50", stats.emittedLatencyPercentile(latencyDocs, 0.50));
            json.put("emitted_ms_p99", stats.emittedLatencyPercentile(latencyDocs, 0.99));
            json.put("visible_ms_p50", stats.visibleLatencyPercentile(latencyDocs, 0.50));
            json.put("visible_ms_p99", stats.visibleLatencyPercentile(latencyDocs, 0.99));
            json.put("guarantee", guarantee.toString());
        }
        return json;
    }
}
