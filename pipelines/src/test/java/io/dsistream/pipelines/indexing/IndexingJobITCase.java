package io.dsistream.pipelines.indexing;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.IndexingMetrics;
import io.dsistream.operators.indexing.RegistryBundleSource;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.WireJson;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The indexing job end to end on a real KRaft broker (its own JVM), a MiniCluster at parallelism 2 and RocksDB:
 * a SciFact slice with re-sends, deletes and bad records; and a failure injected mid-stream.
 */
class IndexingJobITCase {

    private static final int SLICE = 200;
    private static final String MODEL = "it";

    @TempDir
    static Path workDir;

    private static EmbeddedKafkaBroker broker;
    private static List<BeirDocument> corpus;

    @BeforeAll
    static void startBrokerAndBootstrapModel() throws Exception {
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        Path scifact = Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact");
        corpus = BeirDataset.load(scifact).corpus().subList(0, SLICE);
        // Version 1 from k-means over the first 64 documents, max length 128 to keep the test short.
        IndexingBundle bundle = BundleBootstrap.ensure(workDir.resolve("registry"), MODEL, EncoderSpec.MINILM, 128,
                corpus.subList(0, 64), SLICE);
        assertEquals(MODEL + "/v1", bundle.modelVersion());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Configuration conf(String name, InMemoryReporter reporter) {
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve("state-" + name), Duration.ofSeconds(1));
        conf.set(IndexingJobOptions.HEALTH_INTERVAL, Duration.ofSeconds(1));
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        // On a loaded 2-core machine a pass of 16 can take seconds: keep the queue short and the timeout long, so
        // no document of these tests is dead-lettered for an encoder timeout.
        conf.set(IndexingJobOptions.ENCODE_CAPACITY, 32);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        if (reporter != null) {
            reporter.addToConfiguration(conf);
        }
        return conf;
    }

    private static IndexingJob job(String name, Configuration conf) {
        return new IndexingJob(JobTestSupport.connectors(broker.bootstrapServers(), name),
                IndexingSettings.from(conf), new RegistryBundleSource(workDir.resolve("registry"), MODEL));
    }

    private static void createTopics(String name) {
        broker.createTopics(2, name + "-documents", name + "-assignments", name + "-dead-letters", name + "-health",
                name + "-queries", name + "-answers", name + "-model-updates");
    }

    /**
     * Reads the committed records of {@code topic} until {@code expected} have arrived (or four minutes pass), then
     * three seconds more, so that a duplicate would show.
     */
    private static List<byte[]> committed(String topic, int expected) {
        List<byte[]> out = new ArrayList<>();
        try (AssignmentsReader reader = new AssignmentsReader(broker.bootstrapServers(), topic)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200), r -> out.add(r.value()));
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                reader.poll(Duration.ofMillis(200), r -> out.add(r.value()));
            }
        }
        return out;
    }

    private static List<AssignmentRecord> committedAssignments(String topic, int expected) throws Exception {
        List<AssignmentRecord> out = new ArrayList<>();
        for (byte[] value : committed(topic, expected)) {
            out.add(WireJson.fromBytes(value, AssignmentRecord.class));
        }
        return out;
    }

    @Test
    void sliceWithResendsDeletesAndBadRecordsYieldsExactlyTheExpectedCommittedRecords() throws Exception {
        String name = "slice";
        createTopics(name);
        Map<String, Integer> expectedUpserts = new TreeMap<>();
        Map<String, Integer> expectedDeletes = new TreeMap<>();
        Map<String, RejectReason> expectedLetters = new HashMap<>(); // raw prefix -> reason
        int records = 0;
        try (DocumentsProducer producer = new DocumentsProducer(broker.bootstrapServers(), name + "-documents")) {
            for (BeirDocument d : corpus) {
                producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
                expectedUpserts.merge(d.id(), 1, Integer::sum);
                records++;
            }
            for (int i = 0; i < 5; i++) { // unchanged re-sends: no-ops
                BeirDocument d = corpus.get(i);
                producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
                records++;
            }
            for (int i = 5; i < 10; i++) { // changed re-sends: replace
                BeirDocument d = corpus.get(i);
                producer.send(DocumentRecord.upsert(d.id(), d.title(), "Retracted. " + d.text()));
                expectedUpserts.merge(d.id(), 1, Integer::sum);
                records++;
            }
            for (int i = 10; i < 15; i++) { // deletes
                producer.send(DocumentRecord.delete(corpus.get(i).id()));
                expectedDeletes.merge(corpus.get(i).id(), 1, Integer::sum);
                records++;
            }
            // A 10 MB text is cut before tokenisation and counted, then indexed.
            producer.send(DocumentRecord.upsert("huge", "Huge", "protein ".repeat(10 * 1024 * 1024 / 8)));
            expectedUpserts.put("huge", 1);
            records++;
            Map<String, RejectReason> bad = new HashMap<>();
            bad.put("{\"id\": \"m1\", \"text\": ", RejectReason.MALFORMED_JSON);
            bad.put("{\"title\":\"no id\",\"text\":\"x\"}", RejectReason.MISSING_ID);
            bad.put("{\"id\":\"e1\",\"text\":\"   \"}", RejectReason.EMPTY_TEXT);
            bad.put("{\"id\":\"u1\",\"text\":\"x\",\"colour\":\"red\"}", RejectReason.UNKNOWN_FIELD);
            bad.put("{\"id\":\"o1\",\"text\":\"x\",\"op\":\"merge\"}", RejectReason.UNKNOWN_OP);
            bad.put("{\"id\":\"ghost\",\"op\":\"delete\"}", RejectReason.DELETE_OF_UNKNOWN_ID);
            for (Map.Entry<String, RejectReason> e : bad.entrySet()) {
                producer.sendRaw("bad", e.getKey().getBytes(StandardCharsets.UTF_8));
                expectedLetters.put(e.getKey(), e.getValue());
                records++;
            }
            producer.sendRaw("bad", new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            records++;
            producer.flush();
        }

        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        Configuration conf = conf(name, reporter);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        long started = System.nanoTime();
        JobClient client = job(name, conf).executeAsync(env);
        int expectedAssignments = expectedUpserts.values().stream().mapToInt(Integer::intValue).sum()
                + expectedDeletes.size();
        List<AssignmentRecord> assignments = committedAssignments(name + "-assignments", expectedAssignments);
        System.out.printf("slice job: %d records, %d assignments committed in %.1f s%n", records, assignments.size(),
                (System.nanoTime() - started) / 1e9);
        Map<String, Integer> upserts = new TreeMap<>();
        Map<String, Integer> deletes = new TreeMap<>();
        Map<String, String> live = new HashMap<>();
        for (AssignmentRecord a : assignments) {
            (a.op == DocumentOp.UPSERT ? upserts : deletes).merge(a.docId, 1, Integer::sum);
            assertEquals(MODEL + "/v1", a.modelVersion);
            assertEquals(3, a.semanticId.split("\\.").length, a.semanticId);
        }
        assertEquals(expectedUpserts, upserts);
        assertEquals(expectedDeletes, deletes);
        // The live index: the last upsert of each document not deleted afterwards (per-document order holds).
        for (AssignmentRecord a : assignments) {
            if (a.op == DocumentOp.UPSERT) {
                live.put(a.docId, a.semanticId);
            } else {
                live.remove(a.docId);
            }
        }
        assertEquals(SLICE + 1 - 5, live.size());

        List<DeadLetterRecord> letters = new ArrayList<>();
        for (byte[] value : committed(name + "-dead-letters", expectedLetters.size() + 1)) {
            letters.add(WireJson.fromBytes(value, DeadLetterRecord.class));
        }
        client.cancel().get();
        assertEquals(expectedLetters.size() + 1, letters.size(), letters.toString());
        for (DeadLetterRecord letter : letters) {
            if (letter.reason == RejectReason.INVALID_UTF8) {
                assertEquals(DeadLetterRecord.RAW_BASE64, letter.rawEncoding);
                continue;
            }
            if (letter.reason == RejectReason.DELETE_OF_UNKNOWN_ID) {
                assertEquals("{\"id\":\"ghost\",\"op\":\"delete\"}", letter.raw);
            } else {
                assertEquals(expectedLetters.get(letter.raw), letter.reason, letter.raw);
            }
            assertEquals(name + "-documents", letter.sourceTopic);
            assertTrue(letter.error != null && !letter.error.isBlank());
        }

        // Balance gauges equal the figures recomputed from scratch from the committed assignments.
        Map<SemanticId, Integer> leafSizes = new HashMap<>();
        live.values().forEach(id -> leafSizes.merge(SemanticId.parse(id), 1, Integer::sum));
        int v = IndexingBundle.latest(new io.dsistream.models.bundle.ModelRegistry(workDir.resolve("registry")), MODEL)
                .orElseThrow().manifest().idScheme().codesPerPosition();
        BalanceReport expected = BalanceReport.of(leafSizes, new IdVocabulary(3, v));
        Map<String, Double> gauges = new HashMap<>();
        long in = 0;
        long deadLettered = 0;
        long noOps = 0;
        long indexed = 0;
        long deleted = 0;
        long truncated = 0;
        List<Map.Entry<String, Metric>> metrics = new ArrayList<>();
        reporter.getMetricsByGroup().forEach((group, byName) -> byName.forEach((metricName, metric) ->
                metrics.add(Map.entry(group.getMetricIdentifier(metricName), metric))));
        for (Map.Entry<String, Metric> e : metrics) {
            String id = e.getKey();
            Metric m = e.getValue();
            if (id.contains("." + IndexingMetrics.BALANCE_GROUP + ".") && m instanceof Gauge<?> g) {
                gauges.put(id.substring(id.lastIndexOf('.') + 1), ((Number) g.getValue()).doubleValue());
            } else if (m instanceof org.apache.flink.metrics.Counter c) {
                if (id.endsWith("." + IndexingMetrics.DOCUMENTS_IN)) {
                    in += c.getCount();
                } else if (id.endsWith("." + IndexingMetrics.DEAD_LETTERED)) {
                    deadLettered += c.getCount();
                } else if (id.endsWith("." + IndexingMetrics.NO_OPS)) {
                    noOps += c.getCount();
                } else if (id.endsWith("." + IndexingMetrics.INDEXED)) {
                    indexed += c.getCount();
                } else if (id.endsWith("." + IndexingMetrics.DELETED)) {
                    deleted += c.getCount();
                } else if (id.endsWith("." + IndexingMetrics.TEXTS_TRUNCATED)) {
                    truncated += c.getCount();
                }
            }
        }
        expected.toMap().forEach((figure, value) -> assertEquals(value.doubleValue(),
                gauges.get(figure.replace('.', '_')), 1e-9 * Math.max(1, Math.abs(value.doubleValue())), figure));
        // in = indexed + dead-lettered + no-op (+ deletes applied), over every record sent
        assertEquals(records, in);
        assertEquals(in, indexed + deadLettered + noOps + deleted);
        assertEquals(5, noOps);
        assertEquals(1, truncated);
    }

    /** Throws once, after a checkpoint has completed and {@code after} records have passed this subtask. */
    static final class FailOnce extends RichMapFunction<IndexRequest, IndexRequest> implements CheckpointListener {
        static final AtomicBoolean THROWN = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();
        private final int after;
        private transient boolean checkpointed;

        FailOnce(int after) {
            this.after = after;
        }

        @Override
        public void open(OpenContext openContext) {
            checkpointed = false;
        }

        @Override
        public IndexRequest map(IndexRequest request) {
            if (SEEN.incrementAndGet() > after && checkpointed && THROWN.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + after + " records");
            }
            return request;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (!checkpointed) {
                System.out.printf("FailOnce: checkpoint %d complete, %d records seen%n", checkpointId, SEEN.get());
            }
            checkpointed = true;
        }
    }

    @Test
    void aFailureMidStreamRestartsFromTheCheckpointAndEveryDocumentIsCommittedExactlyOnce() throws Exception {
        String name = "eo";
        createTopics(name);
        int documents = 120;
        try (DocumentsProducer producer = new DocumentsProducer(broker.bootstrapServers(), name + "-documents")) {
            for (BeirDocument d : corpus.subList(0, documents)) {
                producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
            }
            producer.flush();
        }
        Configuration conf = conf(name, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobClient client = job(name, conf).withBeforeIndex(new FailOnce(40)).executeAsync(env);
        List<AssignmentRecord> assignments = committedAssignments(name + "-assignments", documents);
        client.cancel().get();
        assertTrue(FailOnce.THROWN.get(), "the failure was injected");

        Map<String, Integer> perDocument = new TreeMap<>();
        for (AssignmentRecord a : assignments) {
            perDocument.merge(a.docId, 1, Integer::sum);
        }
        assertEquals(documents, perDocument.size());
        perDocument.forEach((id, n) -> assertEquals(1, n, "assignments of " + id));
    }
}
