package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DenseRetrieverTest {

    private static final List<BeirDocument> CORPUS = List.of(
            new BeirDocument("d0", "Apple", "apple apple"),        // (1, 0, 0, 0)
            new BeirDocument("d1", "", "apple banana"),            // (1, 1, 0, 0) / sqrt 2
            new BeirDocument("d2", "Banana", "banana"),            // (0, 1, 0, 0)
            new BeirDocument("d3", "", "cherry"),                  // (0, 0, 1, 0)
            new BeirDocument("d4", "", "cherry"),                  // tie with d3
            new BeirDocument("d5", "", "nothing relevant"));       // zero vector

    private static DenseRetriever retriever(KeywordEmbedder embedder, int queryBatchSize) {
        CorpusVectors vectors = DenseRetriever.encodeCorpus(embedder, CORPUS, 4,
                ProgressReporter.quiet("encoding corpus", "docs", CORPUS.size()));
        return new DenseRetriever(embedder, vectors, queryBatchSize);
    }

    @Test
    void corpusIsEncodedInBatchesIntoOneFlatArray() {
        KeywordEmbedder embedder = new KeywordEmbedder();
        CorpusVectors vectors = DenseRetriever.encodeCorpus(embedder, CORPUS, 4,
                ProgressReporter.quiet("encoding corpus", "docs", CORPUS.size()));
        assertEquals(2, embedder.calls);  // 6 docs in batches of 4
        assertEquals(6 * 4, vectors.vectors().length);
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5"), vectors.docIds());
        float r = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {r, r, 0, 0}, vectors.vector(1), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0, 0}, vectors.vector(5), 0f);
    }

    @Test
    void ranksByCosineAndScoresEveryDocument() {
        Ranking ranking = retriever(new KeywordEmbedder(), 8).search("an apple a day", 3);
        assertEquals(List.of("d0", "d1", "d5"), ranking.docs().stream().map(ScoredDoc::docId).toList());
        assertEquals("d0", ranking.docs().get(0).docId());
        assertEquals(1.0f, ranking.docs().get(0).score(), 1e-6f);
        assertEquals("d1", ranking.docs().get(1).docId());
        assertEquals((float) (1 / Math.sqrt(2)), ranking.docs().get(1).score(), 1e-6f);
        // Four documents tie at 0; the heap keeps the one trec_eval ranks first: the largest id, "d5".
        assertEquals(new ScoredDoc("d5", 0f), ranking.docs().get(2));
        assertEquals(CORPUS.size(), ranking.docsScored());
    }

    @Test
    void tiedDocumentsComeInTrecEvalOrder() {
        Ranking ranking = retriever(new KeywordEmbedder(), 8).search("cherry", 2);
        assertEquals(List.of("d4", "d3"), ranking.docs().stream().map(ScoredDoc::docId).toList());
    }

    @Test
    void kLargerThanCorpusReturnsEveryDocument() {
        Ranking ranking = retriever(new KeywordEmbedder(), 8).search("banana", 100);
        assertEquals(CORPUS.size(), ranking.size());
        assertEquals("d2", ranking.docs().get(0).docId());
    }

    @Test
    void batchedSearchEncodesQueriesInBatchesAndMatchesSingleSearch() {
        KeywordEmbedder embedder = new KeywordEmbedder();
        DenseRetriever dense = retriever(embedder, 2);
        int corpusCalls = embedder.calls;
        List<String> queries = List.of("apple", "banana", "cherry", "date", "apple banana");
        List<Ranking> batched = dense.searchAll(queries, 3);
        assertEquals(3, embedder.calls - corpusCalls);  // 5 queries in batches of 2
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(dense.search(queries.get(i), 3), batched.get(i), queries.get(i));
        }
    }

    @Test
    void dimensionMismatchIsRefused() {
        CorpusVectors threeWide = new CorpusVectors(List.of("a"), 3, new float[3]);
        assertThrows(IllegalArgumentException.class, () -> new DenseRetriever(new KeywordEmbedder(), threeWide));
        assertThrows(IllegalArgumentException.class, () -> new CorpusVectors(List.of("a", "b"), 3, new float[3]));
    }
}
