package io.dsistream.models.bundle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.retrieval.GenerativeRetriever;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.RetrievalOptions;
import io.dsistream.models.retrieval.TinyIdModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden round trip of a tiny fixed model: the same query gives the same IDs and scores after save and load. */
class IdModelBundleTest {

    private static final int H = 384; // MiniLM's width: loading checks the quantizer against the encoder

    @TempDir
    Path directory;

    @Test
    void sameQuerySameIdsAndScoresAfterRoundTrip() throws Exception {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        RetrievalOptions options = new RetrievalOptions(3, 0.5f, 1f, 0.5, true, io.dsistream.models.retrieval.LeafRanking.CENTROID);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Ranking before;
            try (IdModel model = TinyIdModels.model(manager, corpus)) {
                before = rank(manager, model, corpus, options);
                IdModelBundle.write(directory, "tiny", model, EncoderSpec.MINILM, 256, null,
                        Map.of("note", "tiny"), Map.of("steps", 0), Map.of("ndcg@10", 0.5),
                        BalanceReport.of(model.trie(), model.vocabulary()));
            }
            IdModelBundle loaded = IdModelBundle.load(directory, manager, EncoderSpec.MINILM);
            try (IdModel model = loaded.model()) {
                Ranking after = rank(manager, model, corpus, options);
                assertEquals(before.docsScored(), after.docsScored());
                assertEquals(before.docs(), after.docs(), "doc IDs, semantic IDs and scores must be identical");
                assertTrue(before.docs().size() > 0);
            }
            assertEquals(1, loaded.manifest().version());
            assertEquals("asi", loaded.manifest().method());
            assertEquals(12.0, loaded.manifest().balance().get("documents"));
            assertEquals(0.5, loaded.manifest().metrics().get("ndcg@10"));
        }
    }

    @Test
    void anotherEncoderDigestFailsNamingTheField() throws Exception {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            try (IdModel model = TinyIdModels.model(manager, corpus)) {
                IdModelBundle.write(directory, "tiny", model, EncoderSpec.MINILM, 256, null, Map.of(), Map.of(),
                        Map.of(), null);
            }
            Path manifest = directory.resolve(ModelRegistry.MANIFEST);
            String text = Files.readString(manifest, StandardCharsets.UTF_8);
            Files.writeString(manifest, text.replace(EncoderSpec.MINILM.onnx().sha256(), "ab".repeat(32)));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> IdModelBundle.load(directory, manager, EncoderSpec.MINILM));
            assertTrue(error.getMessage().contains("encoder.sha256"), error.getMessage());

            Files.writeString(manifest, text);
            IllegalArgumentException wrongEncoder = assertThrows(IllegalArgumentException.class,
                    () -> IdModelBundle.load(directory, manager, EncoderSpec.BGE_SMALL));
            assertTrue(wrongEncoder.getMessage().contains("minilm"), wrongEncoder.getMessage());

            Files.writeString(manifest, text.replaceAll("\"codesPerPosition\"\\s*:\\s*4", "\"codesPerPosition\" : 5"));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> IdModelBundle.load(directory, manager, EncoderSpec.MINILM));
            assertTrue(shape.getMessage().contains("idScheme"), shape.getMessage());
        }
    }

    private static Ranking rank(NDManager manager, IdModel model, CorpusVectors corpus, RetrievalOptions options) {
        Random random = new Random(11);
        float[] values = new float[3 * H];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        NDArray memory = manager.create(values, new Shape(3, H));
        GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
        return retriever.rank(memory, manager.ones(new Shape(3)), corpus.vector(5), 10);
    }
}
