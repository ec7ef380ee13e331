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

    @Test
    void decoderRankingScoresEveryLeafByItsPathLogProbability() {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             IdModel model = TinyIdModels.model(manager, corpus)) {
            // decoder score only, the whole corpus as budget: each document scores its leaf's log p(ID | q)
            RetrievalOptions options = new RetrievalOptions(1, 1f, 0f, 1.0, false, LeafRanking.DECODER);
            GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
            NDArray memory = memory(manager);
            NDArray mask = manager.ones(new Shape(3));
            Ranking ranking = retriever.rank(memory, mask, corpus.vector(3), TinyIdModels.DOCUMENTS);
            assertEquals(TinyIdModels.DOCUMENTS, ranking.docsScored());
            var scorer = model.decoder().scorerFor(memory, mask);
            for (ScoredDoc doc : ranking.docs()) {
                assertEquals(pathLogProbability(scorer, SemanticId.parse(doc.semanticId())), doc.score(), 1e-4,
                        doc.docId());
            }
        }
    }

    @Test
    void decoderAndCodeRankingFillsTheBudgetBestLeavesFirst() {
        CorpusVectors corpus = TinyIdModels.corpus(H);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             IdModel model = TinyIdModels.model(manager, corpus)) {
            RetrievalOptions options = new RetrievalOptions(1, 0f, 1f, 0.5, false, LeafRanking.DECODER_AND_CODE);
            GenerativeRetriever retriever = new GenerativeRetriever(null, model, corpus, options, manager);
            NDArray memory = memory(manager);
            NDArray mask = manager.ones(new Shape(3));
            float[] query = corpus.vector(5);
            Ranking ranking = retriever.rank(memory, mask, query, TinyIdModels.DOCUMENTS);
            // by hand: decoder log p(ID | q) + Σ_i log p(c_i | q) of every populated leaf, best first
            var scorer = model.decoder().scorerFor(memory, mask);
            float[] codeLogProbs;
            try (NDManager scope = manager.newSubManager()) {
                codeLogProbs = model.quantizer().forward(scope.create(query, new Shape(1, H)), false)
                        .logCodeProbabilities().toFloatArray();
            }
            DocIdTrie trie = model.trie();
            List<SemanticId> leaves = new ArrayList<>(trie.leafSizes().keySet());
            java.util.Map<SemanticId, Double> score = new java.util.HashMap<>();
            int codes = TinyIdModels.VOCABULARY.codesPerPosition();
            for (SemanticId leaf : leaves) {
                double sum = pathLogProbability(scorer, leaf);
                for (int p = 0; p < leaf.length(); p++) {
                    sum += codeLogProbs[p * codes + leaf.code(p)];
                }
                score.put(leaf, sum);
            }
            leaves.sort(Comparator.comparingDouble((SemanticId leaf) -> -score.get(leaf)));
            Set<SemanticId> got = new HashSet<>();
            for (ScoredDoc doc : ranking.docs()) {
                got.add(SemanticId.parse(doc.semanticId()));
            }
            // the best leaf by the combined score is always taken (the beam's own leaf aside, it is first in line)
            assertTrue(got.contains(leaves.get(0)), "best leaf " + leaves.get(0) + " missing from " + got);
            assertTrue(ranking.docsScored() <= 6 + trie.leafSize(leaves.get(0)) + 6, "within the budget");
        }
    }

    /** log p(ID | q) token by token through the scorer. */
    private static double pathLogProbability(io.dsistream.models.ids.NextTokenScorer scorer, SemanticId id) {
        double sum = 0;
        for (int t = 0; t < id.length(); t++) {
            float[] next = scorer.nextTokenLogProbs(List.of(id.prefix(t).tokens(TinyIdModels.VOCABULARY)))[0];
            sum += next[TinyIdModels.VOCABULARY.token(t, id.code(t))];
        }
        return sum;
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
