package io.dsistream.pipelines.demo;

import io.dsistream.models.continual.FeedbackPair;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.DirectoryBundleSource;
import io.dsistream.operators.indexing.ModelBundleSource;
import io.dsistream.operators.indexing.RegistryBundleSource;
import io.dsistream.pipelines.indexing.AssignmentsReader;
import io.dsistream.pipelines.indexing.BundleBootstrap;
import io.dsistream.pipelines.indexing.DocumentsProducer;
import io.dsistream.pipelines.indexing.IndexingEnvironment;
import io.dsistream.pipelines.indexing.IndexingJob;
import io.dsistream.pipelines.indexing.IndexingJobOptions;
import io.dsistream.pipelines.indexing.IndexingSettings;
import io.dsistream.pipelines.indexing.IndexingTopics;
import io.dsistream.pipelines.indexing.KafkaConnectors;
import io.dsistream.pipelines.indexing.TrainerJobOptions;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.FeedbackRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.WireJson;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The indexing job deployed in this JVM against a real broker: starts the broker (own JVM) and creates the
 * topics, makes sure the registry serves a model (bootstrapping version 1 when it has none), submits the job to a
 * MiniCluster with the Web UI, and runs read_committed consumers of the output topics that fill
 * {@link IngestStats}. {@link #stream} produces a corpus at a set rate.
 */
public final class EmbeddedIndexing implements AutoCloseable {

    /**
     * @param workDirectory broker data, RocksDB files and checkpoints go under it
     * @param parallelism job parallelism and partitions per topic
     * @param maxLength encoder max length recorded in a bootstrapped bundle
     * @param jobOptions {@code dsi.indexing.*} options (see IndexingJobOptions); registry and model name set here win
     * @param bundle a bundle directory to serve as it is (e.g. from {@code dsi train}); null: the registry's newest
     *               version of {@code modelName}, bootstrapped when there is none
     */
    public record Settings(Path workDirectory, Path registry, String modelName, int parallelism,
                           Duration checkpointInterval, DeliveryGuarantee guarantee, int maxLength,
                           Configuration jobOptions, Path bundle) {
    }

    private final Settings settings;
    private final EmbeddedKafkaBroker broker;
    private final IndexingStats consumers;
    private final DocumentsProducer producer;
    private final DocumentsProducer queries;
    private final JobClient job;
    private final String webUi;
    private final String modelVersion;
    private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();

    private EmbeddedIndexing(Settings settings, EmbeddedKafkaBroker broker, IndexingStats consumers,
                             DocumentsProducer producer, DocumentsProducer queries, JobClient job, String webUi,
                             String modelVersion) {
        this.settings = settings;
        this.broker = broker;
        this.consumers = consumers;
        this.producer = producer;
        this.queries = queries;
        this.job = job;
        this.webUi = webUi;
        this.modelVersion = modelVersion;
    }

    /** Starts everything; {@code bootstrapDocuments} seed version 1 of the model when the registry has none. */
    public static EmbeddedIndexing start(Settings settings, List<BeirDocument> bootstrapDocuments,
                                         int expectedDocuments, PrintStream log) throws Exception {
        Files.createDirectories(settings.workDirectory());
        long t0 = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings.workDirectory().resolve("kafka"));
        try {
            broker.createTopics(settings.parallelism(), IndexingTopics.ALL.toArray(new String[0]));
            log.printf("Kafka broker (KRaft, own JVM) on %s, ready in %.1f s; topics %s%n", broker.bootstrapServers(),
                    broker.startDuration().toMillis() / 1e3, IndexingTopics.ALL);
            long b0 = System.nanoTime();
            IndexingBundle bundle = settings.bundle() != null ? IndexingBundle.open(settings.bundle())
                    : BundleBootstrap.ensure(settings.registry(), settings.modelName(), EncoderSpec.MINILM,
                    settings.maxLength(), bootstrapDocuments, expectedDocuments);
            ModelBundleSource modelSource = settings.bundle() != null ? new DirectoryBundleSource(settings.bundle())
                    : new RegistryBundleSource(settings.registry(), settings.modelName());
            log.printf("model %s (%s, L=%d, V=%d) from %s in %.1f s%n", bundle.modelVersion(),
                    bundle.manifest().method(), bundle.manifest().idScheme().positions(),
                    bundle.manifest().idScheme().codesPerPosition(), bundle.directory(), (System.nanoTime() - b0) / 1e9);

            Configuration conf = IndexingEnvironment.configuration(settings.workDirectory().resolve("state"),
                    settings.checkpointInterval());
            conf.addAll(settings.jobOptions());
            conf.set(IndexingJobOptions.REGISTRY, settings.registry().toAbsolutePath().toString());
            conf.set(IndexingJobOptions.MODEL_NAME, settings.modelName());
            int port = freePort();
            conf.setString("rest.port", Integer.toString(port));
            conf.setString("rest.bind-address", "localhost");
            conf.setString("metrics.fetcher.update-interval", "1000");
            IndexingSettings indexingSettings = IndexingSettings.from(conf);
            Optional<TrainerJobOptions.TrainerSetup> trainer = TrainerJobOptions.from(conf, indexingSettings);
            // the trainer's slot-sharing group takes one slot besides the job's
            conf.setString("taskmanager.numberOfTaskSlots",
                    Integer.toString(settings.parallelism() + (trainer.isPresent() ? 1 : 0)));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            env.setParallelism(settings.parallelism());
            String servers = broker.bootstrapServers();
            String prefix = "dsi-" + Long.toHexString(System.currentTimeMillis());
            IndexingJob indexing = KafkaConnectors.withTrainer(new IndexingJob(KafkaConnectors.forJob(servers,
                    settings.guarantee(), prefix), indexingSettings, modelSource), trainer, servers,
                    settings.guarantee(), prefix);
            JobClient job = indexing.executeAsync(env);
            String webUi = "http://localhost:" + port;
            log.printf("Flink MiniCluster Web UI: %s (job %s, parallelism %d, RocksDB under %s, %s) %.1f s after start%n",
                    webUi, job.getJobID(), settings.parallelism(), settings.workDirectory().resolve("state"),
                    settings.guarantee(), (System.nanoTime() - t0) / 1e9);
            DocumentsProducer producer = new DocumentsProducer(servers, IndexingTopics.DOCUMENTS);
            DocumentsProducer queries = new DocumentsProducer(servers, IndexingTopics.QUERIES);
            IndexingStats consumers = new IndexingStats(servers, producer);
            return new EmbeddedIndexing(settings, broker, consumers, producer, queries, job, webUi,
                    bundle.modelVersion());
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Sends {@code documents} to the documents topic at about {@code rate} per second (0: as fast as the producer
     * goes), calling {@code progress} about once a second; stops early when {@code stop} says so.
     *
     * @return documents sent
     */
    public int stream(List<BeirDocument> documents, double rate, BooleanSupplier stop, Runnable progress) {
        long start = System.nanoTime();
        long lastProgress = start;
        int sent = 0;
        for (BeirDocument d : documents) {
            if (stop.getAsBoolean()) {
                break;
            }
            if (rate > 0) {
                long due = start + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            producer.send(new DocumentRecord(d.id(), d.title(), d.text(), DocumentOp.UPSERT, null));
            sent++;
            this.sent.incrementAndGet();
            if (System.nanoTime() - lastProgress > 1_000_000_000L) {
                lastProgress = System.nanoTime();
                progress.run();
            }
        }
        producer.flush();
        return sent;
    }

    /** Sends one raw record (e.g. a bad one) to the documents topic. */
    public void sendRaw(String key, String value) {
        producer.sendRaw(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one query to the queries topic (the answer's send time is kept under its id). */
    public void sendQuery(String id, String text, int k) {
        consumers.querySent(id, System.currentTimeMillis());
        queries.sendRaw(id, WireJson.toBytes(new QueryRecord(id, text, k, null, false)));
    }

    /** Sends one raw record (e.g. a bad one) to the queries topic. */
    public void sendRawQuery(String key, String value) {
        queries.sendRaw(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public void flushQueries() {
        queries.flush();
    }

    /** Sends relevant (query, document) pairs to the feedback topic, for the trainer. */
    public void sendFeedback(List<FeedbackPair> pairs) {
        try (DocumentsProducer feedback = new DocumentsProducer(broker.bootstrapServers(), IndexingTopics.FEEDBACK)) {
            for (FeedbackPair pair : pairs) {
                feedback.sendRaw(pair.docId(), WireJson.toBytes(new FeedbackRecord(pair.queryText(), pair.docId(),
                        1f, null)));
            }
            feedback.flush();
        }
    }

    /** The answers read so far (committed ones under exactly-once), by query id; the first answer of each. */
    public QueryAnswers answers() {
        return consumers.answers();
    }

    /** Waits until {@code expected} documents are indexed or dead-lettered; false on timeout or stop. */
    public boolean awaitIndexed(int expected, Duration timeout, BooleanSupplier stop, Runnable progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !stop.getAsBoolean()) {
            if (stats().indexed() + stats().deadLettered() >= expected) {
                return true;
            }
            Thread.sleep(1000);
            progress.run();
        }
        return stats().indexed() + stats().deadLettered() >= expected;
    }

    /** Waits up to {@code timeout} for an index-health report covering {@code documents}; the latest one otherwise. */
    public String awaitHealthReport(int documents, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String report = consumers.lastHealthReport();
            if (report != null && report.contains("\"documents\":" + documents + ",")) {
                return report;
            }
            Thread.sleep(250);
        }
        return consumers.lastHealthReport();
    }

    /** Documents sent so far by {@link #stream}. */
    public int sent() {
        return sent.get();
    }

    public IngestStats stats() {
        return consumers.stats();
    }

    /** The broker's bootstrap servers, for extra clients. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String webUi() {
        return webUi;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public JobClient job() {
        return job;
    }

    /** Bytes of the RocksDB working directories and of the latest checkpoints. */
    public long stateBytes(String child) {
        Path dir = settings.workDirectory().resolve("state").resolve(child);
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Cancels the job, stops the consumers, the producer and the broker. */
    @Override
    public void close() {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already finished or failed: nothing left to cancel
        }
        consumers.close();
        producer.close();
        queries.close();
        broker.close();
    }

    /** The read_committed consumers of the assignments, answers, dead-letters and index-health topics, on one thread. */
    static final class IndexingStats implements AutoCloseable {
        private final IngestStats stats = new IngestStats();
        private final QueryAnswers answers = new QueryAnswers();
        private final Thread thread;
        private volatile boolean closed;
        private volatile String lastHealth;

        IndexingStats(String servers, DocumentsProducer producer) {
            thread = new Thread(() -> {
                try (AssignmentsReader assignments = new AssignmentsReader(servers, IndexingTopics.ASSIGNMENTS);
                     AssignmentsReader letters = new AssignmentsReader(servers, IndexingTopics.DEAD_LETTERS);
                     AssignmentsReader health = new AssignmentsReader(servers, IndexingTopics.INDEX_HEALTH);
                     AssignmentsReader enriched = new AssignmentsReader(servers, IndexingTopics.ENRICHED_QUERIES)) {
                    while (!closed) {
                        assignments.poll(Duration.ofMillis(100), r -> {
                            try {
                                AssignmentRecord a = WireJson.fromBytes(r.value(), AssignmentRecord.class);
                                stats.assignment(a.docId, a.op == DocumentOp.UPSERT, producer.appendTimes().get(a.docId),
                                        a.ts, System.currentTimeMillis());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                        letters.poll(Duration.ofMillis(10), r -> {
                            try {
                                DeadLetterRecord d = WireJson.fromBytes(r.value(), DeadLetterRecord.class);
                                stats.deadLetter(d.sourceTopic, d.partition, d.offset);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                        health.poll(Duration.ofMillis(10), r -> lastHealth = new String(r.value(), StandardCharsets.UTF_8));
                        enriched.poll(Duration.ofMillis(10), r -> {
                            try {
                                answers.received(WireJson.fromBytes(r.value(), EnrichedQueryRecord.class),
                                        System.currentTimeMillis());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    }
                }
            }, "dsi-output-consumers");
            thread.setDaemon(true);
            thread.start();
        }

        IngestStats stats() {
            return stats;
        }

        QueryAnswers answers() {
            return answers;
        }

        void querySent(String id, long at) {
            answers.sent(id, at);
        }

        String lastHealthReport() {
            return lastHealth;
        }

        @Override
        public void close() {
            closed = true;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
