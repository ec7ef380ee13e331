package io.dsistream.models.continual;

import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.QueryPlan;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.serving.IdAssigner;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.models.serving.RetrievalModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trainer round against a real registry, with the real MiniLM encoder on 80 SciFact documents: from a bootstrap
 * (quantizer-only) version 1, a round publishes version 2 with its parent, a decoder and a LoRA adapter that
 * serving attaches; a round trained with a destructive learning rate scores worse on the held-back pairs and is
 * not published.
 */
class ContinualTrainerTest {

    private static final int MAX_LENGTH = 64;
    private static List<ReplayDocument> fresh;
    private static List<ReplayDocument> replay;
    private static List<String> texts;

    @BeforeAll
    static void documents() throws Exception {
        BeirDataset scifact = BeirDataset.load(Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact"));
        List<BeirDocument> corpus = scifact.corpus().subList(0, 80);
        texts = corpus.stream().map(BeirDocument::flatText).toList();
        float[][] vectors;
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM,
                EncoderOptions.builder().optMaxLength(MAX_LENGTH).build())) {
            vectors = encoder.embed(texts);
        }
        fresh = new ArrayList<>();
        replay = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            ReplayDocument document = new ReplayDocument(corpus.get(i).id(), texts.get(i), null, vectors[i]);
            (i % 2 == 0 ? fresh : replay).add(document);
        }
    }

    /** Version 1 (bootstrap) in a fresh registry, and the documents with the IDs it stores for them. */
    private static List<List<ReplayDocument>> bootstrap(ModelRegistry registry) throws Exception {
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM,
                EncoderOptions.builder().optMaxLength(MAX_LENGTH).build())) {
            IndexingBundle.bootstrap(registry, "sf", encoder, EncoderSpec.MINILM, MAX_LENGTH, texts, texts.size());
        }
        IndexingBundle v1 = IndexingBundle.open(registry.bundleDirectory("sf", 1));
        List<List<ReplayDocument>> out = new ArrayList<>();
        try (IdAssigner assigner = v1.openAssigner()) {
            for (List<ReplayDocument> part : List.of(fresh, replay)) {
                float[][] vectors = part.stream().map(ReplayDocument::vector).toArray(float[][]::new);
                int[][] codes = assigner.assign(vectors);
                List<ReplayDocument> stored = new ArrayList<>();
                for (int i = 0; i < part.size(); i++) {
                    stored.add(part.get(i).withStoredId(SemanticId.of(codes[i])));
                }
                out.add(stored);
            }
        }
        return out;
    }

    private static TrainerSettings settings(Path registry, ContinualOptions round, double margin) {
        return new TrainerSettings(registry.toString(), "sf", round, "lora", 100, 20, 1000, 1000, 0, 100, 0, true,
                PublishGate.RECALL_AT_10, margin, 5, 20, StreamingRetrievalOptions.defaults(), 1);
    }

    @Test
    void aRoundFromABootstrapVersionPublishesTheNextVersionWithItsParentDecoderAndAdapter(@TempDir Path dir)
            throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        List<List<ReplayDocument>> stored = bootstrap(registry);
        ContinualOptions round = ContinualOptions.defaults().withSchedule(1, 16, 1e-3f, 5e-4f).withTokens(32, 32);
        List<String> log = new ArrayList<>();
        RoundOutcome outcome = new ContinualTrainer(settings(dir, round, 1.0), null, log::add)
                .run(1, stored.get(0), stored.get(1), List.of(), List.of());

        assertTrue(outcome.published(), outcome.decision().reason());
        assertEquals(2, outcome.publishedVersion());
        assertEquals(20, outcome.decision().candidate().queries(), "pseudo-queries fill the gate up to 20");
        assertTrue(outcome.statistics().get("steps") instanceof Number steps && steps.longValue() > 0);
        assertFalse(log.isEmpty(), "progress lines");
        BundleManifest v2 = ModelRegistry.readManifest(registry.bundleDirectory("sf", 2));
        assertEquals(1, v2.parentVersion());
        assertNotNull(v2.componentFile(IndexingBundle.DECODER));
        assertNotNull(v2.componentFile("adapter"));
        assertEquals(MAX_LENGTH, v2.encoder().maxLength(), "the document side keeps the parent's max length");
        try (RetrievalModel serving = IndexingBundle.open(registry.bundleDirectory("sf", 2))
                .openRetrieval(StreamingRetrievalOptions.defaults(), 8)) {
            assertTrue(serving.hasDecoder());
            List<QueryPlan> plans = serving.plan(List.of("cancer cells and DNA repair"));
            assertFalse(plans.get(0).candidates().isEmpty());
        }
    }

    @Test
    void aRoundThatScoresWorseOnTheHeldBackPairsIsNotPublished(@TempDir Path dir) throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        List<List<ReplayDocument>> stored = bootstrap(registry);
        // a destructive rate: the adapter scrambles the query encoder
        ContinualOptions round = ContinualOptions.defaults().withSchedule(1, 16, 1f, 1f).withTokens(32, 32);
        RoundOutcome outcome = new ContinualTrainer(settings(dir, round, 0.0), null, line -> { })
                .run(1, stored.get(0), stored.get(1), List.of(), List.of());

        assertFalse(outcome.published(), outcome.decision().reason());
        assertTrue(outcome.decision().candidate().recallAt10() < outcome.decision().current().recallAt10(),
                outcome.decision().reason());
        assertEquals(List.of(1), registry.versions("sf"), "nothing published");
    }
}
