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
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.QueryResult;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.dsistream.pipelines.indexing.JobTestSupport.awaitUntil;
import static io.dsistream.pipelines.indexing.JobTestSupport.read;
import static io.dsistream.pipelines.indexing.JobTestSupport.send;
import static io.dsistream.pipelines.indexing.JobTestSupport.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index generations on a real broker, a MiniCluster at parallelism 2 and RocksDB: 100 documents are indexed with
 * v1; v2, whose quantizer gives most documents another ID, is published and a build of generation 1 is announced;
 * under a steady query load every document is re-assigned into generation 1 while a delete and new documents reach
 * both generations; the job announces generation 1 ready, queries switch to v2 and generation 1 together, and the
 * old generation is dropped. Every query is answered exactly once; each answer's IDs are those of the generation
 * its version built; the balance monitor ends up holding one generation of 119 documents.
 */
class GenerationsITCase {

    private static final String MODEL = "gen";
    private static final String NAME = "gn";

    @TempDir
    static Path workDir;

    private static EmbeddedKafkaBroker broker;
    private static List<BeirDocument> corpus;
    private static Path registry;

    @BeforeAll
    static void startBrokerAndPublishVersion1() throws Exception {
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        corpus = JobTestSupport.scifactCorpus(130);
        registry = workDir.resolve("registry");
        BundleBootstrap.ensure(registry, MODEL, EncoderSpec.MINILM, 128, corpus.subList(0, 64), 120);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** v2: v1's manifest with a quantizer fitted on other documents, so most IDs change. */
    private static void publishVersion2WithAnotherQuantizer() throws Exception {
        Path scratch = workDir.resolve("scratch-registry");
        IndexingBundle other = BundleBootstrap.ensure(scratch, MODEL, EncoderSpec.MINILM, 128,
                corpus.subList(60, 124), 120);
        IndexingBundle v1 = IndexingBundle.open(new ModelRegistry(registry).bundleDirectory(MODEL, 1));
        BundleManifest m = v1.manifest();
        BundleManifest next = new BundleManifest(m.name(), 2, 1, m.createdAt(), m.method(), m.encoder(),
                m.idScheme(), m.components(), m.training(), m.metrics(), m.balance());
        String file = m.componentFile(IndexingBundle.QUANTIZER);
        new ModelRegistry(registry).publish(next, dir -> Files.copy(
                other.directory().resolve(other.manifest().componentFile(IndexingBundle.QUANTIZER)),
                dir.resolve(file)));
    }

    @Test
    void queriesSwitchToACompleteGenerationAndTheOldOneIsDropped() throws Exception {
        String updatesTopic = NAME + "-model-updates";
        broker.createTopics(2, NAME + "-documents", NAME + "-assignments", NAME + "-dead-letters", NAME + "-health",
                NAME + "-queries", NAME + "-answers", updatesTopic);
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve("state"), Duration.ofSeconds(1));
        int port = freePort();
        conf.setString("rest.port", Integer.toString(port));
        conf.setString("rest.bind-address", "localhost");
        conf.setString("metrics.fetcher.update-interval", "500");
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        conf.set(IndexingJobOptions.GENERATION_DROP_DELAY, Duration.ofSeconds(4));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        String servers = broker.bootstrapServers();
        IndexingJob job = new IndexingJob(JobTestSupport.connectors(servers, NAME),
                IndexingSettings.from(conf), new RegistryBundleSource(registry, MODEL))
                .withGenerations(KafkaConnectors.generationsSink(servers, updatesTopic, DeliveryGuarantee.EXACTLY_ONCE,
                        NAME));
        JobClient client = job.executeAsync(env);
        String jobId = client.getJobID().toString();
        FlinkRestClient rest = new FlinkRestClient("http://localhost:" + port);
        // docId -> version -> its ID from that version; and the latest record per document
        Map<String, Map<String, String>> idsByVersion = new ConcurrentHashMap<>();
        Map<String, AssignmentRecord> latest = new ConcurrentHashMap<>();
        Map<String, List<EnrichedQueryRecord>> answers = new ConcurrentHashMap<>();
        List<String> updateEvents = new CopyOnWriteArrayList<>();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicLong firstV2AnswerSeen = new AtomicLong(Long.MAX_VALUE);
        AtomicLong indexedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean stopReading = new AtomicBoolean();
        List<String> sentQueries = Collections.synchronizedList(new ArrayList<>());
        Thread readers = new Thread(() -> {
            try (AssignmentsReader a = new AssignmentsReader(servers, NAME + "-assignments");
                 AssignmentsReader q = new AssignmentsReader(servers, NAME + "-answers");
                 AssignmentsReader u = new AssignmentsReader(servers, updatesTopic)) {
                while (!stopReading.get()) {
                    a.poll(Duration.ofMillis(100), r -> {
                        AssignmentRecord record = read(r.value(), AssignmentRecord.class);
                        if (record.op == DocumentOp.UPSERT) {
                            idsByVersion.computeIfAbsent(record.docId, d -> new ConcurrentHashMap<>())
                                    .put(record.modelVersion, record.semanticId);
                        }
                        latest.put(record.docId, record);
                    });
                    q.poll(Duration.ofMillis(100), r -> {
                        EnrichedQueryRecord answer = read(r.value(), EnrichedQueryRecord.class);
                        answers.computeIfAbsent(answer.queryId, id -> new CopyOnWriteArrayList<>()).add(answer);
                        if (answer.modelVersion.equals(MODEL + "/v2")) {
                            firstV2AnswerSeen.compareAndSet(Long.MAX_VALUE, System.currentTimeMillis());
                        }
                    });
                    u.poll(Duration.ofMillis(50), r -> updateEvents.add(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }, "generations-readers");
        readers.start();
        long started = System.nanoTime();
        try (DocumentsProducer documents = new DocumentsProducer(servers, NAME + "-documents");
             DocumentsProducer queries = new DocumentsProducer(servers, NAME + "-queries");
             DocumentsProducer updates = new DocumentsProducer(servers, updatesTopic)) {
            Thread load = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String id = "q" + n;
                    sentAt.put(id, System.currentTimeMillis());
                    queries.sendRaw(id, WireJson.toBytes(new QueryRecord(id, corpus.get(n % 100).title(), 5, null,
                            false)));
                    queries.flush();
                    sentQueries.add(id);
                    sleep(500);
                }
            }, "generations-queries");
            load.start();

            send(documents, corpus.subList(0, 100));
            awaitUntil(() -> latest.size() >= 100, "v1 assignments");
            indexedAt.set(System.currentTimeMillis());
            publishVersion2WithAnotherQuantizer();
            // the build request, as the trainer writes it: {model, version, generation}
            updates.sendRaw(MODEL, ("{\"model\":\"" + MODEL + "\",\"version\":2,\"generation\":1}")
                    .getBytes(StandardCharsets.UTF_8));
            updates.flush();
            // while it builds: a delete and new documents go to both generations (or come before the build)
            documents.send(DocumentRecord.delete(corpus.get(0).id()));
            send(documents, corpus.subList(100, 110));
            awaitUntil(() -> firstV2AnswerSeen.get() < Long.MAX_VALUE, () -> "an answer from generation 1 (v2); "
                    + "model-updates: " + updateEvents);
            send(documents, corpus.subList(110, 120));
            awaitUntil(() -> corpus.subList(1, 120).stream().allMatch(d -> idsByVersion.containsKey(d.id())
                    && idsByVersion.get(d.id()).containsKey(MODEL + "/v2")), "every document's v2 ID");
            awaitUntil(() -> number(metric(rest, jobId, "balance monitor", "generationsHeld")) == 1
                    && number(metric(rest, jobId, "balance monitor", "documents")) == 119, () -> "generation 0 dropped: "
                    + metric(rest, jobId, "balance monitor", "generationsHeld") + " generations held, "
                    + metric(rest, jobId, "balance monitor", "documents") + " documents; " + updateEvents);
            long switchSeen = firstV2AnswerSeen.get();
            sleep(Math.max(0, switchSeen + 3000 - System.currentTimeMillis()));
            sleep(2000); // a few queries after the switch
            stop.set(true);
            load.join();
            awaitUntil(() -> answers.keySet().containsAll(sentQueries), () -> "every query answered: "
                    + answers.size() + " of " + sentQueries.size());
            Thread.sleep(2000); // a duplicate would show
            assertEquals("1", metric(rest, jobId, "generation coordinator", "generationsReady"));
        } finally {
            stop.set(true);
            stopReading.set(true);
            readers.join(10_000);
            client.cancel().get();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertEquals(List.of("{\"model\":\"gen\",\"version\":2,\"generation\":1,\"stage\":\"ready\"}",
                        "{\"model\":\"gen\",\"version\":2,\"generation\":1,\"stage\":\"drop\"}"),
                updateEvents.subList(1, updateEvents.size()), "the coordinator's announcements");
        assertEquals(DocumentOp.DELETE, latest.get(corpus.get(0).id()).op);

        int changed = 0;
        for (BeirDocument d : corpus.subList(1, 100)) {
            Map<String, String> ids = idsByVersion.get(d.id());
            changed += ids.get(MODEL + "/v1").equals(ids.get(MODEL + "/v2")) ? 0 : 1;
        }
        assertTrue(changed > 50, "v2's quantizer moves most documents: " + changed + " of 99");

        assertEquals(sentQueries.size(), answers.size());
        Map<String, Integer> byVersion = new HashMap<>();
        int afterSwitch = 0;
        for (Map.Entry<String, List<EnrichedQueryRecord>> e : answers.entrySet()) {
            assertEquals(1, e.getValue().size(), "query " + e.getKey() + " answered once");
            EnrichedQueryRecord answer = e.getValue().get(0);
            assertFalse(answer.partial, "query " + e.getKey() + " partial");
            if (sentAt.get(e.getKey()) > indexedAt.get()) {
                assertTrue(answer.results.length > 0, "query " + e.getKey() + " found documents");
            }
            byVersion.merge(answer.modelVersion, 1, Integer::sum);
            for (QueryResult result : answer.results) {
                assertEquals(idsByVersion.get(result.docId).get(answer.modelVersion), result.semanticId,
                        "query " + e.getKey() + " (" + answer.modelVersion + ") reads the IDs of its generation");
            }
            if (sentAt.get(e.getKey()) > firstV2AnswerSeen.get() + 3000) {
                afterSwitch++;
                assertEquals(MODEL + "/v2", answer.modelVersion, "query " + e.getKey() + " sent after the switch");
            }
        }
        System.out.printf("generations: %d queries answered exactly once, by version %s (%d sent well after the "
                + "switch), %d of 99 documents moved by v2, %d s%n", answers.size(), byVersion, afterSwitch, changed,
                seconds);
        assertTrue(byVersion.containsKey(MODEL + "/v1") && byVersion.containsKey(MODEL + "/v2"), byVersion.toString());
        assertTrue(afterSwitch > 0, "queries sent after the switch");
    }

    private static String metric(FlinkRestClient rest, String jobId, String vertex, String name) {
        try {
            return rest.operatorMetric(jobId, vertex, name);
        } catch (IOException e) {
            return null; // not reported yet
        }
    }

    private static double number(String metric) {
        return metric == null ? Double.NaN : Double.parseDouble(metric);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
