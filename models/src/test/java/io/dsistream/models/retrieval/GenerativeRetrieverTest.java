package io.dsistream.models.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.SemanticId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerativeRetrieverTest {

    private static final int H = 8;

    @Test
    void fullBudgetWithoutDecoderWeightIsExhaustiveDenseRanking() {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             IdModel model = TinyIdModels.model(manager, corpus)) {
            RetrievalOptions options = new RetrievalOptions(2, 0f, 1f, 1.0, true, LeafRanking.CODE_PROBABILITY);
            GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
            float[] query = corpus.vector(4);
            Ranking ranking = retriever.rank(memory(manager), manager.ones(new Shape(3)), query, 5);
            assertEquals(TinyIdModels.DOCUMENTS, ranking.docsScored(), "a budget of the whole corpus scores all");
            List<String> expected = new ArrayList<>(corpus.docIds());
            expected.sort(Comparator.comparingDouble((String d) -> -dot(query, corpus.vector(corpus.docIds().indexOf(d)))));
            List<String> got = ranking.docs().stream().map(ScoredDoc::docId).toList();
            assertEquals(expected.subList(0, 5), got);
            assertEquals("d4", got.get(0));
            assertEquals(1.0, ranking.docs().get(0).score(), 1e-5);
            for (ScoredDoc doc : ranking.docs()) {
                assertEquals(model.assignments().get(doc.docId()).toString(), doc.semanticId());
            }
        }
    }

    @Test
    void withoutBudgetOnlyBeamLeavesAndTheQueryOwnIdAreScored() {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             IdModel model = TinyIdModels.model(manager, corpus)) {
            RetrievalOptions options = new RetrievalOptions(1, 1f, 1f, 0.0, true, LeafRanking.CODE_PROBABILITY);
            GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
            float[] query = corpus.vector(0);
            Ranking ranking = retriever.rank(memory(manager), manager.ones(new Shape(3)), query, 100);
            DocIdTrie trie = model.trie();
            Set<SemanticId> leaves = new HashSet<>();
            for (ScoredDoc doc : ranking.docs()) {
                leaves.add(SemanticId.parse(doc.semanticId()));
            }
            assertTrue(leaves.contains(model.assignments().get("d0")), "the query's own ID (d0's own) is a candidate");
            assertTrue(leaves.size() <= 2, "one beam leaf plus the own ID, got " + leaves);
            long expectedScored = leaves.stream().mapToLong(trie::leafSize).sum();
            assertEquals(expectedScored, ranking.docsScored());
            assertEquals(expectedScored, ranking.docs().size());
        }
    }

    @Test
    void budgetBoundsTheDocumentsScored() {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             IdModel model = TinyIdModels.model(manager, corpus)) {
            RetrievalOptions options = new RetrievalOptions(1, 0.5f, 1f, 0.5, false, LeafRanking.CENTROID);
            GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
            Ranking ranking = retriever.rank(memory(manager), manager.ones(new Shape(3)), corpus.vector(2), 100);
            int beamLeaf = ranking.docs().stream().map(ScoredDoc::semanticId).distinct().mapToInt(
                    id -> model.trie().leafSize(SemanticId.parse(id))).max().orElse(0);
            assertTrue(ranking.docsScored() <= Math.max(6, beamLeaf) + beamLeaf,
                    "scored " + ranking.docsScored() + " of 12 with a budget of 6");
            assertTrue(ranking.docsScored() >= 1);
        }
    }

    static NDArray memory(NDManager manager) {
        Random random = new Random(11);
        float[] values = new float[3 * H];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(3, H));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
