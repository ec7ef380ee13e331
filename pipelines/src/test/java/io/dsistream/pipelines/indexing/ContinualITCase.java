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
 */
class ContinualITCase {

    private static final String MODEL = "cont";
    private static final String NAME = "ct";

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
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theTrainerPublishesAVersionTheJobSwapsToWhileCheckpointsKeepCompleting() throws Exception {
        String updatesTopic = NAME + "-model-updates";
        broker.createTopics(2, NAME + "-documents", NAME + "-assignments", NAME + "-dead-letters", NAME + "-health",
                NAME + "-queries", NAME + "-answers", updatesTopic, NAME + "-feedback");
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve("state"), Duration.ofSeconds(1));
        int port = freePort();
        conf.setString("rest.port", Integer.toString(port));
        conf.setString("rest.bind-address", "localhost");
        conf.setString("metrics.fetcher.update-interval", "500");
        conf.setString("taskmanager.numberOfTaskSlots", "3"); // 2 for the job, 1 for the trainer's group
        conf.set(IndexingJobOptions.REGISTRY, registry.toString());
        conf.set(IndexingJobOptions.MODEL_NAME, MODEL);
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        conf.set(TrainerJobOptions.ENABLED, true);
        conf.set(TrainerJobOptions.EVERY_DOCUMENTS, 80L);
        conf.set(TrainerJobOptions.EVERY, Duration.ZERO);
        conf.set(TrainerJobOptions.ON_BALANCE_ALERT, false);
        conf.set(TrainerJobOptions.EPOCHS, 3);
        conf.set(TrainerJobOptions.BATCH_SIZE, 16);
        conf.set(TrainerJobOptions.GATE_MARGIN, 1.0);
        conf.set(TrainerJobOptions.MIN_GATE_QUERIES, 20);
        conf.set(TrainerJobOptions.TICK, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        String servers = broker.bootstrapServers();
        IndexingSettings settings = IndexingSettings.from(conf);
        IndexingJob job = new IndexingJob(new IndexingJob.Connectors(
                KafkaConnectors.documentsSource(servers, NAME + "-documents", NAME + "-indexer", false),
                KafkaConnectors.queriesSource(servers, NAME + "-queries", NAME + "-queries", false),
                KafkaConnectors.queriesSource(servers, updatesTopic, NAME + "-updates", false),
                KafkaConnectors.assignmentsSink(servers, NAME + "-assignments", DeliveryGuarantee.EXACTLY_ONCE, NAME),
                KafkaConnectors.answersSink(servers, NAME + "-answers", DeliveryGuarantee.EXACTLY_ONCE, NAME),
                KafkaConnectors.deadLettersSink(servers, NAME + "-dead-letters", DeliveryGuarantee.EXACTLY_ONCE, NAME),
                KafkaConnectors.healthSink(servers, NAME + "-health")),
                settings, new RegistryBundleSource(registry, MODEL))
                .withTrainer(TrainerJobOptions.from(conf, settings).orElseThrow(),
                        KafkaConnectors.feedbackSource(servers, NAME + "-feedback", NAME + "-feedback"),
                        KafkaConnectors.modelUpdatesSink(servers, updatesTopic, DeliveryGuarantee.EXACTLY_ONCE, NAME));
        JobClient client = job.executeAsync(env);
        String jobId = client.getJobID().toString();
        FlinkRestClient rest = new FlinkRestClient("http://localhost:" + port);
        Map<String, AssignmentRecord> assignments = new ConcurrentHashMap<>();
        Map<String, List<EnrichedQueryRecord>> answers = new ConcurrentHashMap<>();
        List<DeadLetterRecord> deadLetters = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean stopReading = new AtomicBoolean();
        List<String> sentQueries = Collections.synchronizedList(new ArrayList<>());
        Thread readers = new Thread(() -> {
            try (AssignmentsReader a = new AssignmentsReader(servers, NAME + "-assignments");
                 AssignmentsReader q = new AssignmentsReader(servers, NAME + "-answers");
                 AssignmentsReader d = new AssignmentsReader(servers, NAME + "-dead-letters")) {
                while (!stopReading.get()) {
                    a.poll(Duration.ofMillis(100), r -> {
                        AssignmentRecord record = read(r.value(), AssignmentRecord.class);
                        assignments.put(record.docId, record);
                    });
                    q.poll(Duration.ofMillis(100), r -> {
                        EnrichedQueryRecord answer = read(r.value(), EnrichedQueryRecord.class);
                        answers.computeIfAbsent(answer.queryId, id -> new CopyOnWriteArrayList<>()).add(answer);
                    });
                    d.poll(Duration.ofMillis(50), r -> deadLetters.add(read(r.value(), DeadLetterRecord.class)));
                }
            }
        }, "continual-readers");
        readers.start();
        try (DocumentsProducer documents = new DocumentsProducer(servers, NAME + "-documents");
             DocumentsProducer queries = new DocumentsProducer(servers, NAME + "-queries");
             DocumentsProducer feedback = new DocumentsProducer(servers, NAME + "-feedback")) {
            Thread load = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String id = "q" + n;
                    queries.sendRaw(id, WireJson.toBytes(new QueryRecord(id, corpus.get(n % 80).title(), 5, null,
                            false)));
                    queries.flush();
                    sentQueries.add(id);
                    sleep(500);
                }
            }, "continual-queries");
            load.start();

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
            stopReading.set(true);
            readers.join(10_000);
            client.cancel().get();
        }
        assertEquals(sentQueries.size(), answers.size());
        for (Map.Entry<String, List<EnrichedQueryRecord>> e : answers.entrySet()) {
            assertEquals(1, e.getValue().size(), "query " + e.getKey() + " answered once");
            assertFalse(e.getValue().get(0).partial, "query " + e.getKey() + " partial");
        }
        System.out.printf("continual: %d queries answered exactly once across the trainer's swap to v2%n",
                answers.size());
    }

    private static String metric(FlinkRestClient rest, String jobId, String name) {
        try {
            return rest.operatorMetric(jobId, "trainer", name);
        } catch (IOException e) {
            return null; // not reported yet
        }
    }

    private static String trainerMetrics(FlinkRestClient rest, String jobId) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("roundRunning", "roundsStarted", "roundsFailed", "pendingDocuments",
                "replayDocuments", "feedbackPairs", "trainerServingVersion")) {
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
