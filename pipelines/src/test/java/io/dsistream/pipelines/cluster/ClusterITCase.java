package io.dsistream.pipelines.cluster;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.IndexingMetrics;
import io.dsistream.pipelines.indexing.AssignmentsReader;
import io.dsistream.pipelines.indexing.BundleBootstrap;
import io.dsistream.pipelines.indexing.DocumentsProducer;
import io.dsistream.pipelines.indexing.IndexingJob;
import io.dsistream.pipelines.indexing.IndexingTopics;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a real standalone Flink cluster (JobManager, TaskManager and Kafka broker, each its own JVM), reached only
 * through the REST API: submit → stream a SciFact slice → every document committed exactly once → stop with a
 * savepoint → resubmit from it → stream more → nothing lost or duplicated, model version kept → cancel and resubmit
 * from the retained checkpoint on the same TaskManager (a new user class loader; DJL's natives stay loaded in the
 * parent) → stream more → the Prometheus endpoint serves the balance gauges and the model version → cluster down,
 * no process left.
 *
 * <p>Needs {@code target/dsi.jar} and {@code target/lib} (failsafe runs after {@code package}).
 */
class ClusterITCase {

    private static final String MODEL = "cluster-it";
    private static final int FIRST = 120;
    private static final int SECOND = 80;
    private static final int THIRD = 40;
    private static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(4);
    private static final int QUERIES_PER_PHASE = 10;

    @TempDir
    Path workDir;

    private final Map<String, Double> timings = new LinkedHashMap<>();
    private long phaseStart = System.nanoTime();

    @Test
    void submitSavepointResubmitCancelResubmitOnAStandaloneClusterCommitsEveryDocumentExactlyOnce() throws Exception {
        long testStart = System.nanoTime();
        Path target = Path.of("target").toAbsolutePath();
        StandaloneCluster.Settings settings = StandaloneCluster.Settings.defaults(workDir.resolve("cluster"))
                .withBuild(target.resolve("dsi.jar"), target.resolve("lib"))
                .withAttached(true);
        BeirDataset scifact = BeirDataset.load(Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact"));
        List<BeirDocument> corpus = scifact.corpus().subList(0, FIRST + SECOND + THIRD);
        List<BeirQuery> queries = scifact.queries("test").subList(0, 3 * QUERIES_PER_PHASE);
        List<String> sentQueries = new ArrayList<>();

        StandaloneCluster cluster = StandaloneCluster.start(settings, System.out);
        Map<String, Long> pids = cluster.pids();
        try {
            phase("cluster up (Kafka, JobManager, TaskManager JVMs; slots registered)");
            // Version 1 from k-means over the first 64 documents, max length 128 to keep the test short.
            IndexingBundle bundle = BundleBootstrap.ensure(cluster.registry(), MODEL, EncoderSpec.MINILM, 128,
                    corpus.subList(0, 64), corpus.size());
            assertEquals(MODEL + "/v1", bundle.modelVersion());
            phase("model v1 bootstrapped in the registry (client side)");

            FlinkRestClient rest = cluster.rest();
            Path jar = cluster.writeJobJar();
            String jarId = rest.uploadJar(jar);
            List<String> args = List.of(
                    "--dsi.indexing.model.name", MODEL,
                    "--dsi.indexing.encode.batch-size", "16",
                    // A loaded 2-core machine: a short queue and a long timeout, so no document is dead-lettered.
                    "--dsi.indexing.encode.capacity", "32",
                    "--dsi.indexing.encode.timeout", "5 min",
                    "--dsi.indexing.health.interval", "1 s");
            String first = rest.runJar(jarId, ClusterJobMain.class.getName(), args, 2, null);
            rest.awaitAllTasksRunning(first, Duration.ofMinutes(3));
            phase("job jar (" + Files.size(jar) / 1024 + " KiB) uploaded, first job running");

            send(cluster, corpus.subList(0, FIRST));
            assertExactlyOnce(committed(cluster, FIRST), corpus.subList(0, FIRST));
            phase(FIRST + " documents committed exactly once");
            askAndAwait(cluster, "a", queries.subList(0, QUERIES_PER_PHASE), sentQueries);
            phase(QUERIES_PER_PHASE + " queries answered");

            String savepoint = rest.stopWithSavepoint(first, null, Duration.ofMinutes(3));
            rest.awaitState(first, "FINISHED", Duration.ofMinutes(1));
            assertTrue(savepoint.contains(cluster.savepointDirectory().getFileName().toString()), savepoint);
            phase("stopped with a savepoint");

            String second = rest.runJar(jarId, ClusterJobMain.class.getName(), args, 2, savepoint);
            rest.awaitAllTasksRunning(second, Duration.ofMinutes(3));
            phase("resubmitted from the savepoint, running");
            send(cluster, corpus.subList(FIRST, FIRST + SECOND));
            assertExactlyOnce(committed(cluster, FIRST + SECOND), corpus.subList(0, FIRST + SECOND));
            phase(SECOND + " more committed; all " + (FIRST + SECOND) + " exactly once across the restart");
            askAndAwait(cluster, "b", queries.subList(QUERIES_PER_PHASE, 2 * QUERIES_PER_PHASE), sentQueries);
            phase(QUERIES_PER_PHASE + " queries answered by the resubmitted job");

            rest.cancel(second);
            rest.awaitState(second, "CANCELED", Duration.ofMinutes(1));
            String checkpoint = rest.latestCheckpoint(second);
            assertNotNull(checkpoint, "a checkpoint retained on cancellation");
            String third = rest.runJar(jarId, ClusterJobMain.class.getName(), args, 2, checkpoint);
            rest.awaitAllTasksRunning(third, Duration.ofMinutes(3));
            phase("cancelled, resubmitted from the retained checkpoint to the same TaskManager, running");
            send(cluster, corpus.subList(FIRST + SECOND, corpus.size()));
            assertExactlyOnce(committed(cluster, corpus.size()), corpus);
            phase(THIRD + " more committed by the third job (encoder loaded again in a new class loader)");

            askAndAwait(cluster, "c", queries.subList(2 * QUERIES_PER_PHASE, 3 * QUERIES_PER_PHASE), sentQueries);
            Map<String, Integer> answers = answerCounts(cluster, sentQueries, Duration.ofSeconds(3));
            assertEquals(sentQueries.size(), answers.size(), "every query answered: " + answers);
            answers.forEach((id, n) -> assertEquals(1, n, "query " + id + " answered exactly once"));
            phase(sentQueries.size() + " queries over three jobs, each answered exactly once");

            String log = Files.readString(cluster.workDirectory().resolve("log").resolve("taskmanager.log"));
            assertFalse(log.contains("UnsatisfiedLinkError"), "a native library failed to load on resubmission");
            assertFalse(log.contains("already loaded in another classloader"), "a native library was loaded twice");

            // The TaskManager's Prometheus endpoint: the balance monitor's gauges of the running (third) job.
            Map<String, Double> gauges = awaitGauges(cluster.taskManagerMetricsPort(), third, corpus.size());
            assertEquals(corpus.size(), gauges.get("balance_documents"), 0.0, gauges.toString());
            assertEquals(1.0, gauges.get(IndexingMetrics.MODEL_VERSION_NUMBER), 0.0, gauges.toString());
            assertTrue(gauges.get("balance_used_leaves") >= 2, gauges.toString());
            double entropy = gauges.get("balance_normalized_entropy");
            assertTrue(entropy > 0 && entropy <= 1, gauges.toString());
            phase("Prometheus endpoint read: balance gauges and modelVersionNumber");
        } finally {
            List<String> stopped = cluster.stop();
            stopped.forEach(System.out::println);
        }
        for (Map.Entry<String, Long> process : pids.entrySet()) {
            assertFalse(ProcessHandle.of(process.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    process.getKey() + " (pid " + process.getValue() + ") still runs after stop");
        }
        assertFalse(cluster.rest().isUp(), "the REST endpoint still answers after stop");
        assertFalse(Files.exists(cluster.workDirectory().resolve(StandaloneCluster.STATE_FILE)));
        phase("cluster down, no process left");
        timings.put("total", (System.nanoTime() - testStart) / 1e9);
        System.out.println("ClusterITCase timings (s): " + timings);
    }

    /** Sends the queries under ids {@code <prefix>-<query id>} and waits until each is answered (committed). */
    private static void askAndAwait(StandaloneCluster cluster, String prefix, List<BeirQuery> queries,
                                    List<String> sent) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DocumentsProducer producer = new DocumentsProducer(cluster.bootstrapServers(), IndexingTopics.QUERIES)) {
            for (BeirQuery query : queries) {
                String id = prefix + "-" + query.id();
                producer.sendRaw(id, WireJson.toBytes(new QueryRecord(id, query.text(), 10, null, false)));
                ids.add(id);
            }
            producer.flush();
        }
        sent.addAll(ids);
        Map<String, Integer> answered = answerCounts(cluster, ids, Duration.ZERO);
        assertTrue(answered.keySet().containsAll(ids), "answered " + answered.keySet() + " of " + ids);
    }

    /**
     * How often each of {@code ids} was answered (committed answers, read from the start of the topic) once all of
     * them are in or {@link #COMMIT_TIMEOUT} passed, then {@code settle} longer so that a duplicate would show.
     */
    private static Map<String, Integer> answerCounts(StandaloneCluster cluster, List<String> ids, Duration settle)
            throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        List<byte[]> values = new ArrayList<>();
        try (AssignmentsReader reader = new AssignmentsReader(cluster.bootstrapServers(),
                IndexingTopics.ENRICHED_QUERIES)) {
            long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
            while (!counts.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200), r -> values.add(r.value()));
                count(values, ids, counts);
            }
            long until = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < until) {
                reader.poll(Duration.ofMillis(200), r -> values.add(r.value()));
                count(values, ids, counts);
            }
        }
        return counts;
    }

    private static void count(List<byte[]> values, List<String> ids, Map<String, Integer> counts) throws IOException {
        for (byte[] value : values) {
            EnrichedQueryRecord answer = WireJson.fromBytes(value, EnrichedQueryRecord.class);
            if (ids.contains(answer.queryId)) {
                counts.merge(answer.queryId, 1, Integer::sum);
            }
        }
        values.clear();
    }

    private void phase(String name) {
        long now = System.nanoTime();
        timings.put(name, Math.round((now - phaseStart) / 1e8) / 10.0);
        System.out.printf("[%5.1f s] %s%n", (now - phaseStart) / 1e9, name);
        phaseStart = now;
    }

    private static void send(StandaloneCluster cluster, List<BeirDocument> documents) {
        try (DocumentsProducer producer = new DocumentsProducer(cluster.bootstrapServers(), IndexingTopics.DOCUMENTS)) {
            for (BeirDocument d : documents) {
                producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
            }
            producer.flush();
        }
    }

    /**
     * Every committed assignment so far, once {@code expected} have arrived (or the timeout passed), read three seconds
     * longer so that a duplicate would show.
     */
    private static List<AssignmentRecord> committed(StandaloneCluster cluster, int expected) throws IOException {
        List<byte[]> values = new ArrayList<>();
        try (AssignmentsReader reader = new AssignmentsReader(cluster.bootstrapServers(), IndexingTopics.ASSIGNMENTS)) {
            long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200), r -> values.add(r.value()));
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                reader.poll(Duration.ofMillis(200), r -> values.add(r.value()));
            }
        }
        List<AssignmentRecord> out = new ArrayList<>();
        for (byte[] value : values) {
            out.add(WireJson.fromBytes(value, AssignmentRecord.class));
        }
        return out;
    }

    private static void assertExactlyOnce(List<AssignmentRecord> assignments, List<BeirDocument> documents) {
        Map<String, Integer> perDocument = new HashMap<>();
        for (AssignmentRecord a : assignments) {
            perDocument.merge(a.docId, 1, Integer::sum);
            assertEquals(MODEL + "/v1", a.modelVersion, "model version of " + a.docId);
        }
        for (BeirDocument d : documents) {
            assertEquals(1, perDocument.getOrDefault(d.id(), 0), "committed assignments of " + d.id());
        }
        assertEquals(documents.size(), assignments.size(), "committed assignments");
    }

    private static final Pattern SAMPLE = Pattern.compile("^flink_taskmanager_job_task_operator_(\\w+)\\{(.*)} (\\S+)$");

    /**
     * The balance monitor's series of {@code jobId} from the Prometheus text endpoint, once its document gauge shows
     * {@code documents} (the gauge follows the committed output by up to a checkpoint).
     */
    private static Map<String, Double> awaitGauges(int port, String jobId, int documents) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Double> gauges = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
            gauges.clear();
            for (String line : body.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (m.matches() && m.group(2).contains("job_id=\"" + jobId + "\"")
                        && m.group(2).contains("operator_name=\"balance_monitor\"")
                        && m.group(2).contains("job_name=\"" + IndexingJob.JOB_NAME.replace('-', '_') + "\"")) {
                    gauges.put(m.group(1), Double.parseDouble(m.group(3)));
                }
            }
            if (gauges.getOrDefault("balance_documents", 0.0) >= documents) {
                return gauges;
            }
            Thread.sleep(500);
        }
        return gauges;
    }
}
