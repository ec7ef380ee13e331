package io.dsistream.pipelines.indexing;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.asi.QuantizerOptions;
import io.dsistream.models.asi.ResidualQuantizer;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.RetrievalMetrics;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.bundle.IdModelBundle;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.PlannedLeafRetriever;
import io.dsistream.models.retrieval.QueryPlanner;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.operators.indexing.DirectoryBundleSource;
import io.dsistream.operators.query.QueryMetrics;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.QueryResult;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.WireJson;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query path end to end on a real KRaft broker, a MiniCluster at parallelism 2 and RocksDB: documents and
 * queries interleaved, a query sent right after its target document's assignment was committed, bad queries, and
 * the streamed answers compared with the offline twin ({@link PlannedLeafRetriever}) over the same bundle.
 */
class QueryPathITCase {

    private static final int MAX_LENGTH = 128;
    private static final String NAME = "qp";

    @TempDir
    static Path workDir;

    private static EmbeddedKafkaBroker broker;
    private static List<BeirDocument> slice;
    private static List<BeirQuery> queries;
    private static Map<String, Map<String, Integer>> qrels;
    private static Path bundle;
    private static Map<String, Ranking> offline;

    /**
     * A slice of SciFact holding every relevant document of the first 30 test queries plus other documents, and a
     * small ASI bundle over it: residual k-means codebooks, an untrained decoder (deterministic from its seed), the
     * stored ID of every slice document. The offline answers come from the same bundle and embeddings.
     */
    @BeforeAll
    static void startBrokerAndBuildBundle() throws Exception {
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        BeirDataset scifact = BeirDataset.load(Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact"));
        queries = scifact.queries("test").subList(0, 30);
        qrels = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (BeirQuery query : queries) {
            qrels.put(query.id(), scifact.qrels("test").judgments(query.id()));
            ids.addAll(qrels.get(query.id()).keySet());
        }
        for (BeirDocument document : scifact.corpus().subList(0, 160)) {
            ids.add(document.id());
        }
        slice = ids.stream().map(scifact::document).toList();

        bundle = workDir.resolve("bundle");
        try (NDManager manager = NDManager.newBaseManager();
             TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM,
                     EncoderOptions.builder().optMaxLength(MAX_LENGTH).build())) {
            List<String> texts = slice.stream().map(d -> d.title() + " " + d.text()).toList();
            float[][] embeddings = new float[slice.size()][];
            for (int start = 0; start < texts.size(); start += 32) {
                float[][] batch = encoder.embed(texts.subList(start, Math.min(texts.size(), start + 32)));
                System.arraycopy(batch, 0, embeddings, start, batch.length);
            }
            QuantizerOptions options = QuantizerOptions.forCorpus(slice.size(), encoder.dimension())
                    .withKind(QuantizerKind.RESIDUAL);
            ResidualQuantizer quantizer = ResidualQuantizer.fit(manager, options, embeddings);
            int[][] codes = quantizer.assign(embeddings);
            Map<String, SemanticId> assignments = new LinkedHashMap<>();
            for (int i = 0; i < slice.size(); i++) {
                assignments.put(slice.get(i).id(), SemanticId.of(codes[i]));
            }
            IdVocabulary vocabulary = new IdVocabulary(options.positions(), options.codesPerPosition());
            IdDecoder decoder = IdDecoder.create(new DecoderOptions(vocabulary, 1, 32, 2, 64, 0f,
                    encoder.dimension(), true), manager, 7);
            try (IdModel model = new IdModel("asi", quantizer, decoder, assignments, true)) {
                IdModelBundle.write(bundle, NAME, model, EncoderSpec.MINILM, MAX_LENGTH, null, Map.of(), Map.of(),
                        Map.of(), null);
                float[] flat = new float[slice.size() * encoder.dimension()];
                for (int i = 0; i < slice.size(); i++) {
                    System.arraycopy(embeddings[i], 0, flat, i * encoder.dimension(), encoder.dimension());
                }
                CorpusVectors vectors = new CorpusVectors(slice.stream().map(BeirDocument::id).toList(),
                        encoder.dimension(), flat);
                QueryPlanner planner = new QueryPlanner(encoder, quantizer, decoder,
                        StreamingRetrievalOptions.defaults());
                PlannedLeafRetriever retriever = new PlannedLeafRetriever(planner, model.trie(), vectors, 1);
                List<Ranking> answers = retriever.searchAll(queries.stream().map(BeirQuery::text).toList(), 10);
                offline = new LinkedHashMap<>();
                for (int i = 0; i < queries.size(); i++) {
                    offline.put(queries.get(i).id(), answers.get(i));
                }
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void interleavedQueriesAreAnsweredOnceFromTheLiveTrieAndEqualTheOfflineAnswers() throws Exception {
        broker.createTopics(2, NAME + "-documents", NAME + "-assignments", NAME + "-dead-letters", NAME + "-health",
                NAME + "-queries", NAME + "-answers", NAME + "-model-updates");
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        Configuration conf = IndexingEnvironment.configuration(workDir.resolve("state"), Duration.ofSeconds(1));
        conf.set(IndexingJobOptions.ENCODE_BATCH_SIZE, 16);
        conf.set(IndexingJobOptions.ENCODE_CAPACITY, 32);
        conf.set(IndexingJobOptions.ENCODE_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.QUERY_TIMEOUT, Duration.ofMinutes(5));
        conf.set(IndexingJobOptions.GATHER_TIMEOUT, Duration.ofMinutes(1));
        conf.set(IndexingJobOptions.FLOAT_VECTORS, true); // the offline twin scores float vectors
        reporter.addToConfiguration(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        String servers = broker.bootstrapServers();
        IndexingJob job = new IndexingJob(JobTestSupport.connectors(servers, NAME),
                IndexingSettings.from(conf), new DirectoryBundleSource(bundle));
        JobClient client = job.executeAsync(env);
        long started = System.nanoTime();
        Set<String> goodQueries = new LinkedHashSet<>();
        Map<String, RejectReason> badQueries = new LinkedHashMap<>();
        try (DocumentsProducer documents = new DocumentsProducer(servers, NAME + "-documents");
             DocumentsProducer queryProducer = new DocumentsProducer(servers, NAME + "-queries");
             AssignmentsReader assignments = new AssignmentsReader(servers, NAME + "-assignments");
             AssignmentsReader answers = new AssignmentsReader(servers, NAME + "-answers")) {
            // documents with queries in between: these answers see a partly built index, and must still come once
            for (int i = 0; i < slice.size(); i++) {
                BeirDocument d = slice.get(i);
                documents.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
                if (i % 40 == 39) {
                    String id = "early-" + i;
                    queryProducer.sendRaw(id, WireJson.toBytes(new QueryRecord(id, d.title(), 5, null, false)));
                    goodQueries.add(id);
                }
            }
            documents.flush();
            sendBadQueries(queryProducer, goodQueries, badQueries);

            // read your writes: once the document's assignment is committed, a query sent now must find it
            String text = "Axolotl limb regeneration depends on macrophage recruitment within the first week";
            documents.send(DocumentRecord.upsert("ryw", "Regeneration", text));
            documents.flush();
            Map<String, AssignmentRecord> committed = new HashMap<>();
            await(assignments, r -> {
                AssignmentRecord a = WireJson.fromBytes(r, AssignmentRecord.class);
                committed.put(a.docId, a);
            }, () -> committed.size() >= slice.size() + 1, "every assignment committed");
            queryProducer.sendRaw("ryw", WireJson.toBytes(new QueryRecord("ryw", "Regeneration " + text, 3, null,
                    false)));
            goodQueries.add("ryw");

            // the evaluation queries and two with k out of range, on the complete index
            queryProducer.sendRaw("k-zero", "{\"id\":\"k-zero\",\"text\":\"cancer\",\"k\":0}"
                    .getBytes(StandardCharsets.UTF_8));
            queryProducer.sendRaw("k-big", "{\"id\":\"k-big\",\"text\":\"cancer\",\"k\":5000}"
                    .getBytes(StandardCharsets.UTF_8));
            goodQueries.add("k-zero");
            goodQueries.add("k-big");
            for (BeirQuery query : queries) {
                queryProducer.sendRaw(query.id(), WireJson.toBytes(new QueryRecord(query.id(), query.text(), 10,
                        null, false)));
                goodQueries.add(query.id());
            }
            queryProducer.flush();

            Map<String, List<EnrichedQueryRecord>> received = new HashMap<>();
            await(answers, r -> {
                EnrichedQueryRecord answer = WireJson.fromBytes(r, EnrichedQueryRecord.class);
                received.computeIfAbsent(answer.queryId, id -> new ArrayList<>()).add(answer);
            }, () -> received.keySet().containsAll(goodQueries), "every good query answered");
            // three more seconds, so that a duplicate answer would show
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            await(answers, r -> {
                EnrichedQueryRecord answer = WireJson.fromBytes(r, EnrichedQueryRecord.class);
                received.computeIfAbsent(answer.queryId, id -> new ArrayList<>()).add(answer);
            }, () -> System.nanoTime() >= until, "three more seconds");
            System.out.printf("query path: %d documents, %d answers in %.1f s%n", committed.size(), received.size(),
                    (System.nanoTime() - started) / 1e9);

            assertEquals(goodQueries, received.keySet(), "exactly the good queries are answered");
            for (Map.Entry<String, List<EnrichedQueryRecord>> entry : received.entrySet()) {
                assertEquals(1, entry.getValue().size(), "query " + entry.getKey() + " answered once");
                EnrichedQueryRecord answer = entry.getValue().get(0);
                assertFalse(answer.partial, "query " + entry.getKey() + " partial");
                assertEquals(NAME + "/v1", answer.modelVersion);
            }
            assertEquals("ryw", received.get("ryw").get(0).results[0].docId, "the document just indexed is found");
            int bigK = received.get("k-big").get(0).results.length;
            assertTrue(bigK > 10, "k = 5000 is clamped to 1000, not to the default 10: " + bigK + " results");
            assertEquals(1, received.get("k-zero").get(0).results.length, "k = 0 is clamped to 1");
            compareWithOffline(received);
            assertDeadLetters(servers, badQueries);
            assertEquals(2, counterSum(reporter, QueryMetrics.K_CLAMPED));
            assertEquals(goodQueries.size(), counterSum(reporter, QueryMetrics.ANSWERED));
            assertEquals(0, counterSum(reporter, QueryMetrics.PARTIAL));
        } finally {
            client.cancel().get();
        }
    }

    private static void sendBadQueries(DocumentsProducer producer, Set<String> good, Map<String, RejectReason> bad) {
        bad.put("{\"id\": \"m1\", \"text\": ", RejectReason.MALFORMED_JSON);
        bad.put("{\"id\":\"e1\",\"text\":\"  \"}", RejectReason.EMPTY_TEXT);
        bad.put("{\"id\":\"u1\",\"text\":\"x\",\"lang\":\"en\"}", RejectReason.UNKNOWN_FIELD);
        bad.put("{\"id\":\"f1\",\"text\":\"x\",\"k\":2.5}", RejectReason.INVALID_FIELD);
        bad.put("{\"id\":\"long\",\"text\":\"" + "protein ".repeat(100_000 / 8) + "\"}", RejectReason.QUERY_TOO_LONG);
        for (String raw : bad.keySet()) {
            producer.sendRaw("bad", raw.getBytes(StandardCharsets.UTF_8));
        }
        producer.flush();
    }

    /** The streamed answers of the evaluation queries equal the offline twin's (same bundle, float vectors). */
    private static void compareWithOffline(Map<String, List<EnrichedQueryRecord>> received) {
        int identical = 0;
        double streamedNdcg = 0;
        double offlineNdcg = 0;
        for (BeirQuery query : queries) {
            List<ScoredDoc> streamed = new ArrayList<>();
            for (QueryResult result : received.get(query.id()).get(0).results) {
                streamed.add(new ScoredDoc(result.docId, result.score, result.semanticId));
            }
            List<String> streamedIds = streamed.stream().map(ScoredDoc::docId).toList();
            List<String> offlineIds = offline.get(query.id()).docs().stream().map(ScoredDoc::docId).toList();
            if (streamedIds.equals(offlineIds)) {
                identical++;
            }
            streamedNdcg += RetrievalMetrics.ndcgAt(streamed, qrels.get(query.id()), 10);
            offlineNdcg += RetrievalMetrics.ndcgAt(offline.get(query.id()).docs(), qrels.get(query.id()), 10);
        }
        streamedNdcg /= queries.size();
        offlineNdcg /= queries.size();
        System.out.printf("streamed vs offline: %d/%d identical top-10 lists, nDCG@10 %.4f vs %.4f%n", identical,
                queries.size(), streamedNdcg, offlineNdcg);
        assertTrue(identical >= queries.size() - 1, identical + " of " + queries.size() + " identical");
        assertEquals(offlineNdcg, streamedNdcg, 0.005);
        assertTrue(offlineNdcg > 0.3, "the slice's own queries find their documents: nDCG@10 " + offlineNdcg);
    }

    private static void assertDeadLetters(String servers, Map<String, RejectReason> bad) throws Exception {
        Map<RejectReason, Integer> expected = new HashMap<>();
        bad.values().forEach(r -> expected.merge(r, 1, Integer::sum));
        Map<RejectReason, Integer> seen = new HashMap<>();
        try (AssignmentsReader letters = new AssignmentsReader(servers, NAME + "-dead-letters")) {
            await(letters, r -> seen.merge(WireJson.fromBytes(r, DeadLetterRecord.class).reason, 1, Integer::sum),
                    () -> seen.values().stream().mapToInt(Integer::intValue).sum() >= bad.size(), "dead letters");
        }
        assertEquals(expected, seen);
    }

    private interface ValueHandler {
        void accept(byte[] value) throws Exception;
    }

    /** Polls until {@code done} or four minutes pass (then fails naming {@code what}). */
    private static void await(AssignmentsReader reader, ValueHandler handler, java.util.function.BooleanSupplier done,
                              String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            reader.poll(Duration.ofMillis(200), r -> {
                try {
                    handler.accept(r.value());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static long counterSum(InMemoryReporter reporter, String name) {
        long[] sum = {0};
        reporter.getMetricsByGroup().forEach((group, byName) -> {
            Metric metric = byName.get(name);
            if (metric instanceof Counter counter) {
                sum[0] += counter.getCount();
            }
        });
        return sum[0];
    }
}
