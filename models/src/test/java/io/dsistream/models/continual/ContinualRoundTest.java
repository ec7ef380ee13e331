package io.dsistream.models.continual;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.decoder.TeacherForcing;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.TinyIdModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Continual rounds on a tiny ASI model (12 documents, H = 16, 2 × 4 IDs) with a tiny random BERT and LoRA as the
 * query side: d0–d7 are indexed with stored IDs, d8–d11 arrive new.
 */
class ContinualRoundTest {

    private static int threads;
    private NDManager manager;
    private CorpusVectors corpus;
    private IdModel current;

    @BeforeAll
    static void oneIntraOpThread() {
        Engine.getEngine("PyTorch");
        threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(threads);
    }

    @BeforeEach
    void model() {
        manager = NDManager.newBaseManager("PyTorch");
        corpus = TinyIdModels.corpus(TinyQueryEncoders.H);
        IdModel all = TinyIdModels.model(manager, corpus);
        Map<String, SemanticId> indexed = new LinkedHashMap<>();
        for (int d = 0; d < 8; d++) {
            indexed.put("d" + d, all.assignments().get("d" + d));
        }
        current = new IdModel("asi", all.quantizer(), all.decoder(), indexed, true);
    }

    @AfterEach
    void close() {
        current.close();
        manager.close();
    }

    private static String text(int d) {
        return "topic" + d + " alpha" + d + " beta" + d + " gamma" + d + " delta" + d + " shared words here. "
                + "Second sentence about topic" + d + " and epsilon" + d + " again.";
    }

    private List<ReplayDocument> documents(int from, int to, boolean withStoredIds) {
        List<ReplayDocument> out = new ArrayList<>();
        for (int d = from; d < to; d++) {
            out.add(new ReplayDocument("d" + d, text(d), withStoredIds ? current.assignments().get("d" + d) : null,
                    corpus.vector(d)));
        }
        return out;
    }

    private static ContinualOptions options(ContinualStrategy strategy) {
        return ContinualOptions.defaults().withStrategy(strategy).withTokens(12, 8).withSchedule(3, 8, 5e-3f, 5e-3f);
    }

    private static byte[] bytes(IdDecoder decoder) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            decoder.save(data);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(io.dsistream.models.asi.SemanticQuantizer quantizer) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        quantizer.save(out);
        return out.toByteArray();
    }

    /** Mean teacher-forced cross-entropy of the decoder on the documents' indexing texts and their stored IDs. */
    private static float indexingLoss(QuerySideEncoder encoder, IdDecoder decoder, List<ReplayDocument> documents,
                                      Map<String, SemanticId> ids, NDManager parent) {
        try (NDManager scope = parent.newSubManager();
             io.dsistream.models.djl.NoGradScope ignored = io.dsistream.models.djl.NoGradScope.enter(scope)) {
            List<String> texts = documents.stream().map(ReplayDocument::text).toList();
            int[] limits = new int[texts.size()];
            Arrays.fill(limits, 8);
            QueryStates states = encoder.encode(scope, texts, limits, false);
            List<int[]> tokens = documents.stream().map(d -> ids.get(d.docId()).tokens(decoder.vocabulary())).toList();
            NDArray targets = TeacherForcing.targets(scope, tokens, false);
            NDArray logits = decoder.logits(states.states(), states.mask(), TeacherForcing.decoderInputs(targets),
                    false);
            return TeacherForcing.crossEntropy(logits, targets).getFloat();
        }
    }

    @Test
    void replayKeepsStoredIdsGivesNewOnesQuantizerIdsAndTrainsCopies() throws Exception {
        AdaptedQueryEncoder encoder = TinyQueryEncoders.withLora(manager, 3);
        byte[] decoderBefore = bytes(current.decoder());
        byte[] quantizerBefore = bytes(current.quantizer());
        List<ReplayDocument> fresh = documents(8, 12, false);
        List<RoundProgress> heard = new ArrayList<>();
        ContinualRound round = new ContinualRound(options(ContinualStrategy.REPLAY), encoder, manager)
                .optProgress(heard::add);

        RoundResult result = round.run(current, fresh, documents(0, 8, true),
                List.of(new FeedbackPair("what about topic9 and alpha9", "d9"), new FeedbackPair("lost", "d404")));

        assertFalse(result.cancelled());
        IdModel candidate = result.candidate();
        assertNotNull(candidate);
        for (int d = 0; d < 8; d++) {
            assertEquals(current.assignments().get("d" + d), candidate.assignments().get("d" + d), "stable d" + d);
        }
        int[][] quantizerIds = current.quantizer().assign(fresh.stream().map(ReplayDocument::vector)
                .toArray(float[][]::new));
        for (int i = 0; i < fresh.size(); i++) {
            String docId = fresh.get(i).docId();
            assertEquals(SemanticId.of(quantizerIds[i]), result.newIds().get(docId), docId);
            assertEquals(result.newIds().get(docId), candidate.assignments().get(docId));
        }
        assertEquals(12, candidate.assignments().size());

        assertArrayEquals(decoderBefore, bytes(current.decoder()), "the serving decoder is not touched");
        assertArrayEquals(quantizerBefore, bytes(current.quantizer()), "the serving quantizer is not touched");
        assertFalse(Arrays.equals(decoderBefore, bytes(candidate.decoder())), "the candidate's decoder trained");
        double loraB = 0;
        for (Map.Entry<String, Parameter> entry : encoder.adapters().state().entrySet()) {
            if (entry.getKey().endsWith("lora_B")) {
                loraB += entry.getValue().getArray().abs().sum().getFloat();
            }
        }
        assertTrue(loraB > 0, "LoRA's B starts at zero; gradients reached the adapters");

        Map<String, Object> statistics = result.statistics();
        assertEquals(4, statistics.get("documents.new"));
        assertEquals(4, statistics.get("documents.replayed"), "replay ratio 1: one replayed per new document");
        assertEquals(8, statistics.get("pairs.indexing"));
        assertEquals(8, statistics.get("pairs.crop"));
        assertEquals(1, statistics.get("pairs.qrels"));
        assertEquals(1, statistics.get("feedback.skipped"));
        int pairs = 8 * 3 + 2; // indexing, crop, inverse cloze per document; the feedback pair twice
        assertEquals(pairs, statistics.get("pairs"));
        long steps = 3L * (pairs / 8);
        assertEquals(steps, statistics.get("steps"));
        assertEquals(steps, heard.size());
        assertEquals(1.0, heard.get(heard.size() - 1).fraction(), 1e-12);
        assertTrue(result.encoderSeconds() > 0 && result.encoderSeconds() < result.seconds());
        double backward = (double) statistics.get("backward_seconds");
        assertTrue(backward > 0 && result.encoderSeconds() + backward < result.seconds());
        double drift = (double) statistics.get("drift");
        assertTrue(drift >= 0 && drift <= 1, "drift " + drift);
        candidate.close();
    }

    @Test
    void theDecoderLearnsTheNewDocumentsIds() {
        AdaptedQueryEncoder encoder = TinyQueryEncoders.frozen(manager, 3);
        List<ReplayDocument> fresh = documents(8, 12, false);
        ContinualOptions options = options(ContinualStrategy.REPLAY).withSchedule(25, 8, 5e-3f, 5e-3f);
        RoundResult result = new ContinualRound(options, encoder, manager).run(current, fresh,
                documents(0, 8, true), List.of());
        Map<String, SemanticId> ids = result.candidate().assignments();
        float before = indexingLoss(encoder, current.decoder(), fresh, ids, manager);
        float after = indexingLoss(encoder, result.candidate().decoder(), fresh, ids, manager);
        assertTrue(after < 0.5f * before, "cross-entropy on the new documents' IDs " + before + " -> " + after);
        assertEquals(0L, result.statistics().get("trainable.adapter_parameters"), "a frozen encoder trains nothing");
        result.candidate().close();
    }

    @Test
    void distillationKeepsReplayedQueriesWhereTheServingModelPutThem() {
        ContinualOptions longer = options(ContinualStrategy.REPLAY).withSchedule(10, 8, 5e-3f, 2e-2f);
        double[] moved = new double[2];
        long[] distilled = new long[2];
        float[] weights = {0f, 1f};
        for (int run = 0; run < 2; run++) {
            AdaptedQueryEncoder encoder = TinyQueryEncoders.withLora(manager, 3);
            float[] before = pooled(encoder, documents(0, 8, true));
            RoundResult result = new ContinualRound(longer.withDistillationWeight(weights[run]), encoder, manager)
                    .run(current, documents(8, 12, false), documents(0, 8, true), List.of());
            float[] after = pooled(encoder, documents(0, 8, true));
            for (int j = 0; j < before.length; j++) {
                moved[run] += (after[j] - before[j]) * (after[j] - before[j]);
            }
            distilled[run] = (long) result.statistics().get("pairs.distilled");
            result.candidate().close();
        }
        assertEquals(0L, distilled[0]);
        assertEquals(4L * 3, distilled[1], "indexing, crop and inverse-cloze pairs of the 4 replayed documents");
        assertTrue(moved[0] > 0, "the adapters trained");
        assertTrue(moved[1] < 0.5 * moved[0], "replayed documents' indexing texts moved " + moved[1]
                + " with distillation, " + moved[0] + " without");
    }

    /** The documents' indexing texts' pooled vectors, flat. */
    private static float[] pooled(QuerySideEncoder encoder, List<ReplayDocument> documents) {
        try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
            List<String> texts = documents.stream().map(ReplayDocument::text).toList();
            int[] limits = new int[texts.size()];
            Arrays.fill(limits, 8);
            return encoder.encode(scope, texts, limits, false).pooled().toFloatArray();
        }
    }

    @Test
    void anAdaLoraRoundAllocatesItsRankBudget() {
        io.dsistream.models.encoder.BertEncoderBlock block = TinyQueryEncoders.block(manager, 3);
        io.dsistream.models.adapters.EncoderAdapters adalora = io.dsistream.models.adapters.EncoderAdapters.attach(
                block, manager, io.dsistream.models.adapters.AdapterOptions.builder(
                        io.dsistream.models.adapters.AdapterKind.ADALORA).optRankBudget(4, 2)
                        .optBudgetSchedule(0, 4, 1).build(), "minilm");
        AdaptedQueryEncoder encoder = new AdaptedQueryEncoder(block, adalora,
                io.dsistream.models.encoder.Pooling.MEAN, TinyQueryEncoders::tokenize, TinyQueryEncoders.PAD,
                TinyQueryEncoders.SEP);
        RoundResult result = new ContinualRound(options(ContinualStrategy.REPLAY), encoder, manager).run(current,
                documents(8, 12, false), documents(0, 8, true), List.of());
        assertTrue(Double.isFinite((double) result.statistics().get("loss.last")));
        assertEquals(2.0, adalora.budget().orElseThrow().meanActiveRank(), 1e-9,
                "the budget fell from 4 to 2 triplets per matrix by step 4");
        result.candidate().close();
    }

    @Test
    void noneTrainsNothingButStillAssignsNewDocuments() throws Exception {
        RoundResult result = new ContinualRound(options(ContinualStrategy.NONE), TinyQueryEncoders.frozen(manager, 3),
                manager).run(current, documents(8, 12, false), documents(0, 8, true), List.of());
        assertEquals(0L, result.statistics().get("steps"));
        assertArrayEquals(bytes(current.decoder()), bytes(result.candidate().decoder()));
        assertEquals(12, result.candidate().assignments().size());
        assertEquals(4, result.newIds().size());
        result.candidate().close();
    }

    @Test
    void replayTakesTheOldDocumentsWithFeedbackFirst() {
        ContinualOptions oneInFour = options(ContinualStrategy.REPLAY).withData(true, 2, 0.25); // 1 of 8 replayed
        List<FeedbackPair> feedback = List.of(new FeedbackPair("what about topic5 and alpha5", "d5"));
        RoundResult result = new ContinualRound(oneInFour, TinyQueryEncoders.frozen(manager, 3), manager)
                .run(current, documents(8, 12, false), documents(0, 8, true), feedback);
        assertEquals(1, result.statistics().get("documents.replayed"));
        assertEquals(1, result.statistics().get("pairs.qrels"), "the judged old document d5 is the one replayed");
        assertEquals(0, result.statistics().get("feedback.skipped"));
        result.candidate().close();
    }

    @Test
    void naiveTrainsOnNewDocumentsOnly() {
        RoundResult result = new ContinualRound(options(ContinualStrategy.NAIVE),
                TinyQueryEncoders.frozen(manager, 3), manager).run(current, documents(8, 12, false),
                documents(0, 8, true), List.of(new FeedbackPair("old query", "d1")));
        assertEquals(0, result.statistics().get("documents.replayed"));
        assertEquals(4, result.statistics().get("pairs.indexing"));
        assertEquals(1, result.statistics().get("feedback.skipped"), "feedback on an old document is not new data");
        result.candidate().close();
    }

    @Test
    void aCancelledRoundStopsAtTheNextStepAndPublishesNothing() {
        ContinualRound round = new ContinualRound(options(ContinualStrategy.REPLAY),
                TinyQueryEncoders.frozen(manager, 3), manager);
        round.optProgress(p -> round.cancel());
        RoundResult result = round.run(current, documents(8, 12, false), documents(0, 8, true), List.of());
        assertTrue(result.cancelled());
        assertNull(result.candidate());
        assertEquals(1L, result.statistics().get("steps"));
        assertThrows(IllegalStateException.class, () -> round.run(current, List.of(), List.of(), List.of()),
                "one run per round");
    }

    @Test
    void aVectorOfTheWrongWidthIsNamed() {
        ContinualRound round = new ContinualRound(options(ContinualStrategy.REPLAY),
                TinyQueryEncoders.frozen(manager, 3), manager);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> round.run(current,
                List.of(new ReplayDocument("bad", "text", null, new float[3])), List.of(), List.of()));
        assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("3 dimensions"), e.getMessage());
    }
}
