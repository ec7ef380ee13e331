package io.dsistream.models.continual;

import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.DenseRetriever;
import io.dsistream.models.eval.ProgressReporter;
import io.dsistream.models.retrieval.RetrievalOptions;
import io.dsistream.models.training.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The corpus-growth figure of the DSI++ benchmark: exhaustive dense retrieval (real MiniLM) of the initial part's
 * queries over the initial part, then over the whole corpus.
 */
class CorpusGrowthTest {

    private static final String QUERY = "Does aspirin lower the risk of a heart attack?";

    @Test
    void incrementsThatOutscoreTheRelevantDocumentCostItsRecall() {
        List<BeirDocument> increment = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            increment.add(new BeirDocument("near" + i, "", QUERY + " Trial " + i + "."));
        }
        Map<String, Object> growth = corpusGrowth(increment);

        assertEquals(1.0, (double) growth.get("initial_part.recall@10"), 1e-9);
        assertEquals(0.0, (double) growth.get("whole_corpus.recall@10"), 1e-9);
        assertEquals(1.0, (double) growth.get("drop.recall@10"), 1e-9);
        assertEquals(14, growth.get("whole_corpus.documents"));
    }

    @Test
    void incrementsFarFromTheQueryCostNothing() {
        List<BeirDocument> increment = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            increment.add(new BeirDocument("far" + i, "", "Glacier " + i + " retreated faster in the dry decade."));
        }
        Map<String, Object> growth = corpusGrowth(increment);

        assertEquals(0.0, (double) growth.get("drop.recall@10"), 1e-9);
        assertEquals(0.0, (double) growth.get("drop.ndcg@10"), 1e-9);
    }

    /** One query judging {@code rel}; the initial part is {@code rel} and three unrelated documents. */
    private static Map<String, Object> corpusGrowth(List<BeirDocument> increment) {
        List<BeirDocument> documents = new ArrayList<>(List.of(
                new BeirDocument("rel", "Aspirin and myocardial infarction",
                        "Daily low-dose aspirin reduced first heart attacks in the trial."),
                new BeirDocument("o1", "", "Soil bacteria fix nitrogen for legumes."),
                new BeirDocument("o2", "", "The telescope resolved a binary star."),
                new BeirDocument("o3", "", "Rainfall in the delta doubled over a century.")));
        documents.addAll(increment);
        Map<String, Integer> partOf = new HashMap<>();
        documents.forEach(d -> partOf.put(d.id(), increment.contains(d) ? 1 : 0));
        DsiPlusPlusProtocol.Split split = new DsiPlusPlusProtocol.Split(documents, partOf, 2, Map.of(),
                Map.of("0", Map.of("q", Map.of("rel", 1))));
        CorpusVectors vectors;
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM,
                EncoderOptions.builder().optMaxLength(EncoderOptions.DEFAULT_MAX_LENGTH).build())) {
            vectors = DenseRetriever.encodeCorpus(encoder, documents, 8, ProgressReporter.quiet("", "", 0));
        }
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            row.put(vectors.docIds().get(i), i);
        }
        ProtocolSettings settings = new ProtocolSettings(EncoderSpec.MINILM, 0.6, 1, 0, 42L,
                TrainingOptions.defaults(TrainingOptions.ASI), null, ContinualOptions.defaults(), null,
                List.of(ContinualStrategy.NONE), 10, 10, false, RetrievalOptions.asiDefaults(), null);
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        return new DsiPlusPlusProtocol(settings, silent).corpusGrowth(split, vectors, row,
                Map.of("q", new BeirQuery("q", QUERY)));
    }
}
