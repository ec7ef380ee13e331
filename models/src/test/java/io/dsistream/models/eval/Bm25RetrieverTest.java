package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bm25RetrieverTest {

    @Test
    void analyzerMirrorsAnserini() {
        AnseriniEnglishAnalyzer analyzer = new AnseriniEnglishAnalyzer();
        // Possessive removed before lower-casing, stop words dropped, Porter stems; repeats kept.
        assertEquals(List.of("john", "run", "dog", "run"),
                analyzer.terms("contents", "John's running of THE dogs, running"));
        assertEquals(List.of(), analyzer.terms("contents", "the and of"));
    }

    @Test
    void ranksByBm25AndCountsMatchingDocuments() throws IOException {
        List<BeirDocument> corpus = List.of(
                new BeirDocument("d1", "Zinc", "zinc supplements and wound healing"),
                new BeirDocument("d2", "", "vitamin c and the common cold"),
                new BeirDocument("d3", "Wounds", "wound care in the elderly"),
                new BeirDocument("d4", "", "unrelated text about astronomy"));
        try (Bm25Retriever bm25 = new Bm25Retriever(corpus)) {
            assertEquals(4, bm25.size());
            Ranking ranking = bm25.search("Does zinc help wounds heal?", 10);
            // d1 matches zinc, wound, heal; d3 matches wound only; d2 and d4 match nothing.
            assertEquals(List.of("d1", "d3"), ranking.docs().stream().map(ScoredDoc::docId).toList());
            assertEquals(2, ranking.docsScored());
            assertTrue(ranking.docs().get(0).score() > ranking.docs().get(1).score());

            Ranking top1 = bm25.search("wound", 1);
            assertEquals(1, top1.size());
            assertEquals(2, top1.docsScored(), "counted exactly even when fewer are returned");

            Ranking none = bm25.search("the of and", 10);
            assertEquals(0, none.size());
            assertEquals(0, none.docsScored());
        }
    }
}
