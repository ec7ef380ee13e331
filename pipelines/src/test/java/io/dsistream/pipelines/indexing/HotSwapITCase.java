package io.dsistream.pipelines.indexing;

import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.RegistryBundleSource;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.WireJson;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.dsistream.pipelines.indexing.JobTestSupport.awaitUntil;
import static io.dsistream.pipelines.indexing.JobTestSupport.read;
import static io.dsistream.pipelines.indexing.JobTestSupport.send;
import static io.dsistream.pipelines.indexing.JobTestSupport.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot swap on a real broker, a MiniCluster at parallelism 2 and RocksDB: under a steady query load a model-update
 * event switches the job from v1 to v2; no query is lost or answered twice, later documents and answers carry v2;
 * then v3 is published without an event and a failure forces a restart from the last checkpoint — the job comes
 * back on v2, the version in its checkpointed state, not on the registry's newest.
 */
class HotSwapITCase {

    private static final String MODEL = "swap";
    private static final String NAME = "hs";

    @TempDir
    static Path workDir;

    private static EmbeddedKafkaBroker broker;
    private static List<BeirDocument> corpus;
    private static Path registry;

    @BeforeAll
    static void startBrokerAndPublishVersion1() throws Exception {
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        corpus = JobTestSupport.scifactCorpus(150);
        registry = workDir.resolve("registry");
        IndexingBundle v1 = BundleBootstrap.ensure(registry, MODEL, EncoderSpec.MINILM, 128, corpus.subList(0, 64),
                corpus.size());
        assertEquals(MODEL + "/v1", v1.modelVersion());
    }

    /** Publishes the next version of the model with v1's quantizer (the version label is what this test follows). */
    private static int publishCopyOf(IndexingBundle v1) throws Exception {
        BundleManifest m = v1.manifest();
        BundleManifest next = new BundleManifest(m.name(), m.version() + 1, m.version(), m.createdAt(), m.method(), m.encoder(),
                m.idScheme(), m.components(), m.training(), m.metrics(), m.balance());
        Path published = new ModelRegistry(registry).publish(next, dir -> Files.copy(
                v1.directory().resolve(m.componentFile(IndexingBundle.QUANTIZER)),
                dir.resolve(m.componentFile(IndexingBundle.QUANTIZER))));
        return IndexingBundle.open(published).manifest().version();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** Throws once, on the document with id {@code boom}, to force a restart from the last checkpoint. */
    static final class FailOnBoom implements MapFunction<IndexRequest, IndexRequest> {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean FAILED = new AtomicBoolean();

        @Override
        public IndexRequest map(IndexRequest request) {
            if ("boom".equals(request.docId) && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure on document boom");
            }
            return request;
        }
    }

    @Test
    void aSwapUnderQueryLoadLosesNoQueryAndARestartKeepsTheActiveVersion() throws Exception {
        broker.createTopics(2, NAME + "-documents", NAME + "-assignments", NAME + "-dead-letters", NAME + "-health",
                NAME + "-queries", NAME + "-answers", NAME + "-model-updates");
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve("state"), Duration.ofSeconds(1));
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        conf.set(IndexingJobOptions.ENCODE_CAPACITY, 32);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        String servers = broker.bootstrapServers();
        IndexingJob job = new IndexingJob(JobTestSupport.connectors(servers, NAME),
                IndexingSettings.from(conf), new RegistryBundleSource(registry, MODEL))
                .withBeforeIndex(new FailOnBoom());
        JobClient client = job.executeAsync(env);
        Map<String, AssignmentRecord> assignments = new ConcurrentHashMap<>();
        Map<String, List<EnrichedQueryRecord>> answers = new ConcurrentHashMap<>();
        AtomicInteger assignmentRecords = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean stopReading = new AtomicBoolean();
        List<String> sentQueries = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread readers = new Thread(() -> {
            try (AssignmentsReader a = new AssignmentsReader(servers, NAME + "-assignments");
                 AssignmentsReader q = new AssignmentsReader(servers, NAME + "-answers")) {
                while (!stopReading.get()) {
                    a.poll(Duration.ofMillis(100), r -> {
                        AssignmentRecord record = read(r.value(), AssignmentRecord.class);
                        assignments.put(record.docId, record);
                        assignmentRecords.incrementAndGet();
                    });
                    q.poll(Duration.ofMillis(100), r -> {
                        EnrichedQueryRecord answer = read(r.value(), EnrichedQueryRecord.class);
                        answers.computeIfAbsent(answer.queryId, id -> new ArrayList<>()).add(answer);
                    });
                }
            }
        }, "hot-swap-readers");
        readers.start();
        try (DocumentsProducer documents = new DocumentsProducer(servers, NAME + "-documents");
             DocumentsProducer queries = new DocumentsProducer(servers, NAME + "-queries");
             DocumentsProducer updates = new DocumentsProducer(servers, NAME + "-model-updates")) {
            // a steady query load for the whole test: 2 per second
            Thread load = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String id = "q" + n;
                    queries.sendRaw(id, WireJson.toBytes(new QueryRecord(id, corpus.get(n % corpus.size()).title(),
                            5, null, false)));
                    queries.flush();
                    sentQueries.add(id);
                    sleep(500);
                }
            }, "hot-swap-queries");
            load.start();

            send(documents, corpus.subList(0, 50));
            awaitUntil(() -> assignments.size() >= 50, "v1 assignments");
            assertTrue(assignments.values().stream().allMatch(a -> a.modelVersion.equals(MODEL + "/v1")));

            IndexingBundle v1 = IndexingBundle.open(new ModelRegistry(registry).bundleDirectory(MODEL, 1));
            assertEquals(2, publishCopyOf(v1)); // the job serves what it opened with until told otherwise
            updates.sendRaw(MODEL, WireJson.toBytes(new ModelUpdateRecord(MODEL, 2)));
            updates.sendRaw("other", WireJson.toBytes(new ModelUpdateRecord("another-model", 7))); // ignored
            updates.flush();
            awaitUntil(() -> answers.values().stream().anyMatch(l -> l.get(0).modelVersion.equals(MODEL + "/v2")),
                    "an answer from v2");
            send(documents, corpus.subList(50, 100));
            awaitUntil(() -> assignments.size() >= 100, "v2 assignments");
            for (BeirDocument d : corpus.subList(50, 100)) {
                assertEquals(MODEL + "/v2", assignments.get(d.id()).modelVersion, d.id());
            }

            // v3 appears in the registry without an event; a failure restarts the job from its last checkpoint
            assertEquals(3, publishCopyOf(v1));
            Thread.sleep(2500); // at least one checkpoint with v2 active
            documents.send(DocumentRecord.upsert("boom", "Boom", "a document that fails once"));
            send(documents, corpus.subList(100, 150));
            awaitUntil(() -> assignments.size() >= 151, "assignments after the restart");
            assertTrue(FailOnBoom.FAILED.get(), "the failure was injected");
            for (BeirDocument d : corpus.subList(100, 150)) {
                assertEquals(MODEL + "/v2", assignments.get(d.id()).modelVersion, "restored on v2: " + d.id());
            }

            stop.set(true);
            load.join();
            awaitUntil(() -> answers.keySet().containsAll(sentQueries), () -> "every query answered: "
                    + answers.size() + " of " + sentQueries.size());
            System.out.printf("hot swap: %d queries sent, %d answered%n", sentQueries.size(), answers.size());
            Thread.sleep(3000); // a duplicate would show
        } finally {
            stop.set(true);
            stopReading.set(true);
            readers.join(10_000);
            client.cancel().get();
        }
        assertEquals(151, assignments.size());
        assertEquals(151, assignmentRecords.get(), "each document committed exactly once across the restart");
        assertEquals(sentQueries.size(), answers.size());
        for (Map.Entry<String, List<EnrichedQueryRecord>> e : answers.entrySet()) {
            assertEquals(1, e.getValue().size(), "query " + e.getKey() + " answered once");
            assertFalse(e.getValue().get(0).partial, "query " + e.getKey() + " partial");
        }
        Map<String, Integer> byVersion = new HashMap<>();
        answers.values().forEach(l -> byVersion.merge(l.get(0).modelVersion, 1, Integer::sum));
        System.out.printf("hot swap: %d queries answered under load, by version %s; no v3: %s%n", answers.size(),
                byVersion, !byVersion.containsKey(MODEL + "/v3"));
        assertTrue(byVersion.containsKey(MODEL + "/v1") && byVersion.containsKey(MODEL + "/v2"), byVersion.toString());
        assertFalse(byVersion.containsKey(MODEL + "/v3"), byVersion.toString());
    }
}
