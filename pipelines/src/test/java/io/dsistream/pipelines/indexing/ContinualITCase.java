package io.dsistream.pipelines.indexing;

import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.RegistryBundleSource;
import io.dsistream.pipelines.cluster.FlinkRestClient;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.FeedbackRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.WireJson;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.dsistream.pipelines.indexing.JobTestSupport.awaitUntil;
import static io.dsistream.pipelines.indexing.JobTestSupport.read;
import static io.dsistream.pipelines.indexing.JobTestSupport.send;
import static io.dsistream.pipelines.indexing.JobTestSupport.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer in the job, on a real broker, a MiniCluster at parallelism 2 (plus the trainer's slot) and RocksDB,
 * from a bootstrap version 1: 80 indexed documents and feedback trigger a round; while the round trains, more
 * documents' assignments become visible (they are committed only when a checkpoint completes) and the completed
 * checkpoint count rises; the round publishes version 2 (parent v1, with a decoder and a LoRA adapter) and announces
 * it on model-updates; the job swaps to it under a steady query load: later documents and answers carry v2, every
 * query is answered exactly once; a malformed feedback record is dead-lettered. The gate's margin is wide here (the
 * gate's decision is tested in {@code ContinualTrainerTest}); this test is about the trainer inside the job.
 *
 * <p>A second job, on its own topics and registry, runs the trainer with index generations: a round that moves the
 * quantizer past the drift threshold is served through a new generation; once queries read it, the trainer takes
 * the documents' new IDs and trains the next version on them at once.
 */
class ContinualITCase {

    private static final String MODEL = "cont";
    private static final String NAME = "ct";
    private static final String GENERATIONS_MODEL = "contgen";
    private static final String GENERATIONS_NAME = "cg";

    @TempDir
    static Path workDir;

    private static EmbeddedKafkaBroker broker;
    private static List<BeirDocument> corpus;
    private static Path registry;

    @BeforeAll
    static void startBrokerAndPublishVersion1() throws Exception {
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        corpus = JobTestSupport.scifactCorpus(140);
        registry = workDir.resolve("registry");
        BundleBootstrap.ensure(registry, MODEL, EncoderSpec.MINILM, 128, corpus.subList(0, 64), corpus.size());
        BundleBootstrap.ensure(registry, GENERATIONS_MODEL, EncoderSpec.MINILM, 128, corpus.subList(0, 64),
                corpus.size());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theTrainerPublishesAVersionTheJobSwapsToWhileCheckpointsKeepCompleting() throws Exception {
        int port = freePort();
        Configuration conf = configuration(NAME, port);
        conf.set(TrainerJobOptions.EPOCHS, 3);
        RunningJob running = RunningJob.start(NAME, job(NAME, MODEL, conf, false), conf, port);
        String servers = broker.bootstrapServers();
        String jobId = running.jobId();
        FlinkRestClient rest = running.rest();
        Map<String, AssignmentRecord> assignments = running.outputs().assignments();
        Map<String, List<EnrichedQueryRecord>> answers = running.outputs().answers();
        List<DeadLetterRecord> deadLetters = running.outputs().deadLetters();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> sentQueries = Collections.synchronizedList(new ArrayList<>());
        try (DocumentsProducer documents = new DocumentsProducer(servers, NAME + "-documents");
             DocumentsProducer queries = new DocumentsProducer(servers, NAME + "-queries");
             DocumentsProducer feedback = new DocumentsProducer(servers, NAME + "-feedback")) {
            Thread load = startQueryLoad(queries, sentQueries, stop);

            // feedback first (titles as queries for their documents) and one malformed record; then 80 documents
            for (BeirDocument d : corpus.subList(0, 80)) {
                feedback.sendRaw(d.id(), WireJson.toBytes(new FeedbackRecord(d.title(), d.id(), 1f, null)));
            }
            feedback.sendRaw("bad", "{\"queryText\": \"no document id\"}".getBytes(StandardCharsets.UTF_8));
            feedback.flush();
            send(documents, corpus.subList(0, 80));
            awaitUntil(() -> assignments.size() >= 80, "v1 assignments");
            awaitUntil(() -> "1".equals(metric(rest, jobId, "roundRunning")), () -> "the trainer's round to start: "
                    + trainerMetrics(rest, jobId));

            long checkpointsAtStart = rest.completedCheckpoints(jobId);
            send(documents, corpus.subList(80, 110));
            awaitUntil(() -> assignments.size() >= 110, "assignments committed while the round trains");
            awaitUntil(() -> completed(rest, jobId) >= checkpointsAtStart + 2, "checkpoints during the round");
            assertEquals("1", metric(rest, jobId, "roundRunning"),
                    "the round still trains: the checkpoints above completed during it");
            assertTrue(new ModelRegistry(registry).versions(MODEL).equals(List.of(1)), "nothing published yet");

            awaitUntil(() -> answers.values().stream().anyMatch(l -> l.get(0).modelVersion.equals(MODEL + "/v2")),
                    "an answer from the version the trainer published");
            BundleManifest v2 = ModelRegistry.readManifest(new ModelRegistry(registry).bundleDirectory(MODEL, 2));
            assertEquals(1, v2.parentVersion());
            assertNotNull(v2.componentFile(IndexingBundle.DECODER));
            assertNotNull(v2.componentFile("adapter"));
            awaitUntil(() -> "1".equals(metric(rest, jobId, "roundsPublished")), () -> "the trainer's counters: "
                    + trainerMetrics(rest, jobId)); // the Web UI's metric store lags a little

            send(documents, corpus.subList(110, 140));
            awaitUntil(() -> assignments.size() >= 140, "assignments after the swap");
            for (BeirDocument d : corpus.subList(110, 140)) {
                assertEquals(MODEL + "/v2", assignments.get(d.id()).modelVersion, d.id());
            }
            stop.set(true);
            load.join();
            awaitUntil(() -> answers.keySet().containsAll(sentQueries), () -> "every query answered: "
                    + answers.size() + " of " + sentQueries.size());
            awaitUntil(() -> deadLetters.stream().anyMatch(d -> d.sourceTopic.equals(NAME + "-feedback")),
                    "the malformed feedback record dead-lettered");
            Thread.sleep(2000); // a duplicate would show
        } finally {
            stop.set(true);
            running.stop();
        }
        running.assertEveryQueryAnsweredOnce(sentQueries);
        System.out.printf("continual: %d queries answered exactly once across the trainer's swap to v2%n",
                answers.size());
    }

    @Test
    void aRoundThatMovesTheIdsIsServedThroughANewGenerationAndTheNextRoundTrainsOnItsIds() throws Exception {
        int port = freePort();
        Configuration conf = configuration(GENERATIONS_NAME, port);
        conf.set(TrainerJobOptions.EPOCHS, 2);
        conf.set(TrainerJobOptions.ADAPTER, "none");
        conf.set(TrainerJobOptions.QUANTIZER_LEARNING_RATE, 0.05f); // moves the IDs on purpose
        conf.set(TrainerJobOptions.GENERATION_DRIFT, 0.05);
        conf.set(IndexingJobOptions.GENERATION_DROP_DELAY, Duration.ofSeconds(4));
        RunningJob running = RunningJob.start(GENERATIONS_NAME, job(GENERATIONS_NAME, GENERATIONS_MODEL, conf, true),
                conf, port);
        String servers = broker.bootstrapServers();
        String jobId = running.jobId();
        FlinkRestClient rest = running.rest();
        Outputs outputs = running.outputs();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> sentQueries = Collections.synchronizedList(new ArrayList<>());
        String v3 = GENERATIONS_MODEL + "/v3";
        String firstRoundDrift;
        try (DocumentsProducer documents = new DocumentsProducer(servers, GENERATIONS_NAME + "-documents");
             DocumentsProducer queries = new DocumentsProducer(servers, GENERATIONS_NAME + "-queries");
             DocumentsProducer feedback = new DocumentsProducer(servers, GENERATIONS_NAME + "-feedback")) {
            Thread load = startQueryLoad(queries, sentQueries, stop);
            for (BeirDocument d : corpus.subList(0, 80)) {
                feedback.sendRaw(d.id(), WireJson.toBytes(new FeedbackRecord(d.title(), d.id(), 1f, null)));
            }
            feedback.flush();
            send(documents, corpus.subList(0, 80));
            awaitUntil(() -> outputs.assignments().size() >= 80, "v1 assignments");

            // round 1 publishes v2 with its drift past the threshold: a build, then the switch
            awaitUntil(() -> "1".equals(metric(rest, jobId, "generation coordinator", "generationsReady")),
                    () -> "generation 1 ready: " + trainerMetrics(rest, jobId));
            firstRoundDrift = metric(rest, jobId, "idDrift");
            awaitUntil(() -> "1".equals(metric(rest, jobId, "trainerIdGeneration")),
                    () -> "the trainer holding generation 1's IDs: " + trainerMetrics(rest, jobId));
            // no document arrived since round 1, so only the switch can start round 2
            awaitUntil(() -> number(metric(rest, jobId, "roundsStarted")) >= 2,
                    () -> "the round on generation 1's IDs: " + trainerMetrics(rest, jobId));
            send(documents, corpus.subList(80, 100));

            awaitUntil(() -> outputs.answers().values().stream().anyMatch(l -> l.get(0).modelVersion.equals(v3)),
                    () -> "an answer from v3, trained on generation 1's IDs: " + trainerMetrics(rest, jobId));
            BundleManifest manifest = ModelRegistry.readManifest(new ModelRegistry(registry)
                    .bundleDirectory(GENERATIONS_MODEL, 3));
            assertEquals(2, manifest.parentVersion());
            assertEquals("0", metric(rest, jobId, "roundsStale"), "round 2 started after the switch, on its IDs");
            awaitUntil(() -> outputs.assignments().keySet().containsAll(corpus.subList(80, 100).stream()
                    .map(BeirDocument::id).toList()), "assignments of the documents sent after the switch");
            for (BeirDocument d : corpus.subList(80, 100)) {
                assertNotEquals(GENERATIONS_MODEL + "/v1", outputs.assignments().get(d.id()).modelVersion, d.id());
            }
            stop.set(true);
            load.join();
            awaitUntil(() -> outputs.answers().keySet().containsAll(sentQueries), () -> "every query answered: "
                    + outputs.answers().size() + " of " + sentQueries.size());
            Thread.sleep(2000); // a duplicate would show
        } finally {
            stop.set(true);
            running.stop();
        }
        running.assertEveryQueryAnsweredOnce(sentQueries);
        System.out.printf("continual generations: %d queries answered exactly once across a generation switch (the "
                + "first round's drift %s) and the round on its IDs (%s)%n", outputs.answers().size(), firstRoundDrift,
                trainerMetrics(rest, jobId));
    }

    /** What a job wrote: the latest assignment per document, every answer per query, the dead letters. */
    private record Outputs(Map<String, AssignmentRecord> assignments, Map<String, List<EnrichedQueryRecord>> answers,
                           List<DeadLetterRecord> deadLetters) {

        Outputs() {
            this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>());
        }
    }

    /** A job started on a MiniCluster at parallelism 2, with readers filling {@code outputs} until {@link #stop}. */
    private record RunningJob(JobClient client, String jobId, FlinkRestClient rest, Outputs outputs,
                              AtomicBoolean stopReading, Thread readers) {

        static RunningJob start(String name, IndexingJob job, Configuration conf, int port) throws Exception {
            JobClient client = job.executeAsync(StreamExecutionEnvironment.createLocalEnvironment(2, conf));
            Outputs outputs = new Outputs();
            AtomicBoolean stopReading = new AtomicBoolean();
            return new RunningJob(client, client.getJobID().toString(),
                    new FlinkRestClient("http://localhost:" + port), outputs, stopReading,
                    startReaders(name, outputs, stopReading));
        }

        void stop() throws Exception {
            stopReading.set(true);
            readers.join(10_000);
            client.cancel().get();
        }

        /** Every query sent has exactly one answer, and none is partial. */
        void assertEveryQueryAnsweredOnce(List<String> sent) {
            assertEquals(sent.size(), outputs.answers().size());
            for (Map.Entry<String, List<EnrichedQueryRecord>> e : outputs.answers().entrySet()) {
                assertEquals(1, e.getValue().size(), "query " + e.getKey() + " answered once");
                assertFalse(e.getValue().get(0).partial, "query " + e.getKey() + " partial");
            }
        }
    }

    /** Reads the job's assignments, answers and dead letters into {@code outputs} until {@code stop}. */
    private static Thread startReaders(String name, Outputs outputs, AtomicBoolean stop) {
        String servers = broker.bootstrapServers();
        Thread readers = new Thread(() -> {
            try (AssignmentsReader a = new AssignmentsReader(servers, name + "-assignments");
                 AssignmentsReader q = new AssignmentsReader(servers, name + "-answers");
                 AssignmentsReader d = new AssignmentsReader(servers, name + "-dead-letters")) {
                while (!stop.get()) {
                    a.poll(Duration.ofMillis(100), r -> {
                        AssignmentRecord record = read(r.value(), AssignmentRecord.class);
                        outputs.assignments().put(record.docId, record);
                    });
                    q.poll(Duration.ofMillis(100), r -> {
                        EnrichedQueryRecord answer = read(r.value(), EnrichedQueryRecord.class);
                        outputs.answers().computeIfAbsent(answer.queryId, id -> new CopyOnWriteArrayList<>())
                                .add(answer);
                    });
                    d.poll(Duration.ofMillis(50), r -> outputs.deadLetters().add(read(r.value(),
                            DeadLetterRecord.class)));
                }
            }
        }, name + "-readers");
        readers.start();
        return readers;
    }

    /** Two queries a second (the first 80 documents' titles) until {@code stop}; their ids go to {@code sent}. */
    private static Thread startQueryLoad(DocumentsProducer queries, List<String> sent, AtomicBoolean stop) {
        Thread load = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                String id = "q" + n;
                queries.sendRaw(id, WireJson.toBytes(new QueryRecord(id, corpus.get(n % 80).title(), 5, null,
                        false)));
                queries.flush();
                sent.add(id);
                sleep(500);
            }
        }, "continual-queries");
        load.start();
        return load;
    }

    private static long number(String metric) {
        return metric == null ? -1 : (long) Double.parseDouble(metric);
    }

    /** The trainer's job settings both tests share; state under {@code <name>-state}, the Web UI on {@code port}. */
    private static Configuration configuration(String name, int port) {
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve(name + "-state"), Duration.ofSeconds(1));
        conf.setString("rest.port", Integer.toString(port));
        conf.setString("rest.bind-address", "localhost");
        conf.setString("metrics.fetcher.update-interval", "500");
        conf.setString("taskmanager.numberOfTaskSlots", "3"); // 2 for the job, 1 for the trainer's group
        conf.set(IndexingJobOptions.REGISTRY, registry.toString());
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        conf.set(TrainerJobOptions.ENABLED, true);
        conf.set(TrainerJobOptions.EVERY_DOCUMENTS, 80L);
        conf.set(TrainerJobOptions.EVERY, Duration.ZERO);
        conf.set(TrainerJobOptions.ON_BALANCE_ALERT, false);
        conf.set(TrainerJobOptions.BATCH_SIZE, 16);
        conf.set(TrainerJobOptions.GATE_MARGIN, 1.0);
        conf.set(TrainerJobOptions.MIN_GATE_QUERIES, 20);
        conf.set(TrainerJobOptions.TICK, Duration.ofMillis(200));
        return conf;
    }

    /** The job on topics {@code <name>-*} serving {@code model}, with the trainer and, if asked, generations. */
    private static IndexingJob job(String name, String model, Configuration conf, boolean generations) {
        conf.set(IndexingJobOptions.MODEL_NAME, model);
        broker.createTopics(2, name + "-documents", name + "-assignments", name + "-dead-letters", name + "-health",
                name + "-queries", name + "-answers", name + "-model-updates", name + "-feedback");
        String servers = broker.bootstrapServers();
        IndexingSettings settings = IndexingSettings.from(conf);
        IndexingJob job = new IndexingJob(JobTestSupport.connectors(servers, name), settings,
                new RegistryBundleSource(registry, model))
                .withTrainer(TrainerJobOptions.from(conf, settings).orElseThrow(),
                        KafkaConnectors.feedbackSource(servers, name + "-feedback", name + "-feedback"),
                        KafkaConnectors.modelUpdatesSink(servers, name + "-model-updates",
                                DeliveryGuarantee.EXACTLY_ONCE, name));
        return generations ? job.withGenerations(KafkaConnectors.generationsSink(servers, name + "-model-updates",
                DeliveryGuarantee.EXACTLY_ONCE, name)) : job;
    }

    private static String metric(FlinkRestClient rest, String jobId, String name) {
        return metric(rest, jobId, "trainer", name);
    }

    private static String metric(FlinkRestClient rest, String jobId, String operator, String name) {
        try {
            return rest.operatorMetric(jobId, operator, name);
        } catch (IOException e) {
            return null; // not reported yet
        }
    }

    private static String trainerMetrics(FlinkRestClient rest, String jobId) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("roundRunning", "roundsStarted", "roundsPublished", "roundsFailed", "roundsStale",
                "idDrift", "generationsRequested", "trainerIdGeneration", "pendingDocuments", "replayDocuments",
                "feedbackPairs", "trainerServingVersion")) {
            out.append(name).append('=').append(metric(rest, jobId, name)).append(' ');
        }
        return out.toString();
    }

    private static long completed(FlinkRestClient rest, String jobId) {
        try {
            return rest.completedCheckpoints(jobId);
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
